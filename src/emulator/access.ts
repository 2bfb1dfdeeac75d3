/**
 * What the user behind a request may do: read or write per owner (ThreatConnect grants these by
 * Organization and Community roles), which batch jobs are theirs, and their own owner (the default
 * when a request names none).
 */
import { DEFAULT_USER, type ResolvedOptions, type ResolvedUser } from './options.js';
import type { StoredJob } from './store.js';

/** The rights of one request's user. */
export class Access {
  constructor(readonly user: ResolvedUser) {}

  /** The user's name (recorded on the jobs they create). */
  get name(): string {
    return this.user.name;
  }

  /** The owner used when a request names none: the user's own (first listed). */
  get home(): string {
    return this.user.home;
  }

  /** Whether the user may read items of `owner`. */
  canRead(owner: string): boolean {
    return this.user.rights.has(owner);
  }

  /** Whether the user may write (batch jobs, file uploads) into `owner`. */
  canWrite(owner: string): boolean {
    return this.user.rights.get(owner) === 'write';
  }

  /** Owners the user may read, in the order given. */
  readable(): string[] {
    return [...this.user.rights.keys()];
  }

  /** Whether a job is this user's (jobs of a database from before users are everyone's). */
  owns(job: Pick<StoredJob, 'user'>): boolean {
    return job.user === '' || job.user === this.user.name;
  }
}

/**
 * The access of the user a principal names.
 *
 * @param opts resolved options (their users)
 * @param user the principal's user name
 */
export function accessFor(opts: ResolvedOptions, user: string): Access {
  const u = opts.users.find((x) => x.name === user) ?? opts.users.find((x) => x.name === DEFAULT_USER) ?? opts.users[0]!;
  return new Access(u);
}
