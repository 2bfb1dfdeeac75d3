/**
 * Options of the emulator and their defaults. Everything that takes time or fails on purpose is a
 * knob here, off (zero) by default, so tests never sleep through real intervals.
 */
import { EmulatorOptionsError } from './errors.js';
import { isLoopback } from './webconsole.js';
import { typeLookup, type IndicatorTypeSet, type TypeLookup } from '../batch/types.js';

/** One owner the emulator knows (ThreatConnect API docs, v3 Groups/Indicators/Owners). */
export interface OwnerOption {
  name: string;
  /** `Organization`, `Community` or `Source`. Default: the first owner is the Organization, later ones Communities. */
  type?: string;
}

/** An HMAC credential (ThreatConnect API docs, Authentication). */
export interface HmacCredential {
  accessId: string;
  secretKey: string;
}

/** A token (ThreatConnect API docs, Authentication); `expiresAt` in epoch seconds makes it answer "Unauthorized" after that time. */
export interface TokenCredential {
  token: string;
  expiresAt?: number;
}

/** A user's right on an owner: `read` (v3 reads, own jobs' status) or `write` (batch jobs, file uploads). */
export type OwnerRight = 'read' | 'write';

/**
 * A ThreatConnect API user: the credentials that act as this user and its rights per owner.
 * ThreatConnect grants these through Organization roles (Standard User and up may run batch jobs)
 * and Community roles (Editor and up); the emulator keeps just read or write.
 */
export interface UserOption {
  /** Shown in the console and the job list; unique. */
  name: string;
  credentials?: HmacCredential[];
  tokens?: Array<string | TokenCredential>;
  /**
   * Rights by owner name. The first owner listed is the user's own (the default owner of requests
   * without `?owner=`). Default: write on every owner.
   */
  owners?: Record<string, OwnerRight>;
}

/** A user with defaults applied. */
export interface ResolvedUser {
  name: string;
  /** Rights by owner name, in the order given. */
  rights: Map<string, OwnerRight>;
  /** The user's own owner: the first one with a right. */
  home: string;
}

/**
 * How a job moves Created -> Queued -> Running -> Completed (ThreatConnect's V2 Batch API page).
 * All zero by default: the job is processed right after the upload answer is sent.
 */
export interface TimingOptions {
  /** Milliseconds a job stays Queued after its upload before processing starts. Default 0. */
  queueDelayMs?: number;
  /** Milliseconds a processed job stays Running before it is Completed. Default 0. */
  runDelayMs?: number;
  /**
   * Status polls that answer each intermediate state: with 1, the first poll after the upload says
   * Queued, the second Running, the third the real state. Default 0 (always the real state).
   */
  pollsPerState?: number;
  /**
   * createAndUpload jobs with fewer items than this are processed before the answer, which then
   * carries the final status (TC's `synchronousBatchSaveLimit`; ThreatConnect's V2 Batch API page). Default 0 (never).
   */
  synchronousLimit?: number;
}

/**
 * Fault injection. Every knob is off by default. Rates are probabilities in [0, 1]
 * drawn from a generator seeded with `seed`, so a run is reproducible.
 */
export interface FaultOptions {
  /** Seed of the fault generator. Default 1. */
  seed?: number;
  /** Delay added before every answer, in milliseconds. Default 0. */
  latencyMs?: number;
  /** Rate of answers replaced by a 5xx. Default 0. */
  errorRate?: number;
  /** Statuses used for `errorRate`, chosen at random. Default [500, 502, 503]. */
  errorStatuses?: number[];
  /** Rate of answers replaced by 429 with `Retry-After`. Default 0. */
  rateLimitRate?: number;
  /** `Retry-After` seconds of a 429. Default 1. */
  retryAfterSeconds?: number;
  /** Rate of requests whose connection is destroyed without an answer. Default 0. */
  dropRate?: number;
  /** Regular expression (source text) a request path must match for the three rates above to apply. Default: every path. */
  pathPattern?: string;
  /** Extra milliseconds every job spends Running (a slow job). Default 0. */
  slowJobMs?: number;
  /** Rate of jobs that never leave Running (a stuck job). Default 0. */
  stuckJobRate?: number;
}

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** TCP port; 0 picks a free one. Default 0. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /**
   * Serve the web console at `/`. Default: only when `host` is a loopback interface (the console
   * has no login of its own beyond the API credentials, so it stays local unless asked for).
   */
  console?: boolean;
  /** SQLite file, or `:memory:`. Default `:memory:`. A file keeps jobs, items and files across restarts. */
  db?: string;
  /** Owners the credentials may use. Default `['Demo Organization']`. */
  owners?: Array<string | OwnerOption>;
  /** HMAC credentials accepted, for the one default user (`api-user`, write on every owner). */
  credentials?: HmacCredential[];
  /** Tokens accepted, for the same default user. */
  tokens?: Array<string | TokenCredential>;
  /** Users with their own credentials and rights per owner (in addition to the default user of `credentials`/`tokens`). */
  users?: UserOption[];
  /**
   * Answer every batch endpoint with ThreatConnect's 503 "Batch job api is not available" (an
   * instance where batch or document storage is disabled). Default false.
   */
  batchApiUnavailable?: boolean;
  /** Largest accepted batch upload in bytes (ThreatConnect's V2 Batch API page). Default 100,000,000. */
  maxUploadBytes?: number;
  /** Largest accepted document/report upload in bytes. Default 100,000,000. */
  maxFileBytes?: number;
  /** Indicators allowed per job (ThreatConnect's V2 Batch API page). Default 25,000. */
  indicatorLimit?: number;
  /**
   * Batch jobs processed at the same time (jobs in Running); further uploaded jobs wait Queued in
   * upload order. Default {@link DEFAULT_WORKERS}.
   */
  workers?: number;
  timing?: TimingOptions;
  faults?: FaultOptions;
  /** Clock in epoch milliseconds, for the HMAC time window and stored dates. Default `Date.now`. */
  clock?: () => number;
  /** Where logs go. Default: no logging. Secrets are never written, at any level. */
  logStream?: NodeJS.WritableStream;
  /** `human` (one line per request: time, level, method, path, status, ms) or `json` (pino lines). Default `json`. */
  logFormat?: 'human' | 'json';
  /** Log level when `logStream` is set. Default `info`. */
  logLevel?: string;
  /**
   * Custom indicator types the emulator accepts in batch jobs and lists in
   * `GET /v2/types/indicatorTypes`, besides the built-in ones: the `customTypes` of a module
   * written by `tcbatch codegen`, or the set `loadIndicatorTypes` returns
   * (`tcbatch serve --indicator-types FILE`).
   */
  indicatorTypes?: IndicatorTypeSet;
}

/** {@link EmulatorOptions} with every default filled in. */
export interface ResolvedOptions {
  port: number;
  host: string;
  console: boolean;
  db: string;
  owners: Required<OwnerOption>[];
  /** Every accepted HMAC credential with the user it acts as. */
  credentials: Array<HmacCredential & { user: string }>;
  /** Every accepted token with the user it acts as. */
  tokens: Array<Required<TokenCredential> & { user: string }>;
  users: ResolvedUser[];
  batchApiUnavailable: boolean;
  /** The indicator types accepted: built-in, and the custom ones of `indicatorTypes`. */
  types: TypeLookup;
  maxUploadBytes: number;
  maxFileBytes: number;
  indicatorLimit: number;
  workers: number;
  timing: Required<TimingOptions>;
  faults: Required<FaultOptions>;
  clock: () => number;
  logStream: NodeJS.WritableStream | undefined;
  logFormat: 'human' | 'json';
  logLevel: string;
}

/** Default number of batch jobs processed at the same time. */
export const DEFAULT_WORKERS = 4;

/** The documented per-job indicator limit (ThreatConnect's V2 Batch API page). */
export const DEFAULT_INDICATOR_LIMIT = 25_000;

function nonNegative(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isFinite(v) || v < 0) throw new EmulatorOptionsError(`${name} must be a number >= 0 (got ${String(v)})`);
  return v;
}

function positiveInt(name: string, v: number | undefined, dflt: number): number {
  if (v === undefined) return dflt;
  if (!Number.isSafeInteger(v) || v < 1) throw new EmulatorOptionsError(`${name} must be a whole number >= 1 (got ${String(v)})`);
  return v;
}

function rate(name: string, v: number | undefined): number {
  const r = nonNegative(name, v, 0);
  if (r > 1) throw new EmulatorOptionsError(`${name} must be between 0 and 1 (got ${r})`);
  return r;
}

/**
 * Fill in defaults and check ranges.
 *
 * @throws EmulatorOptionsError (code `TCE_BAD_OPTIONS`) for a negative delay, a rate outside [0, 1],
 *   an invalid `pathPattern`, `workers` below 1, or no owner
 */
export function resolveOptions(o: EmulatorOptions = {}): ResolvedOptions {
  const owners = (o.owners && o.owners.length > 0 ? o.owners : ['Demo Organization']).map((w, i) => {
    const x = typeof w === 'string' ? { name: w } : w;
    if (!x.name) throw new EmulatorOptionsError('an owner needs a name');
    return { name: x.name, type: x.type ?? (i === 0 ? 'Organization' : 'Community') };
  });
  const f = o.faults ?? {};
  if (f.pathPattern !== undefined) {
    try {
      new RegExp(f.pathPattern);
    } catch {
      throw new EmulatorOptionsError(`faults.pathPattern is not a regular expression: ${f.pathPattern}`);
    }
  }
  const t = o.timing ?? {};
  return {
    port: nonNegative('port', o.port, 0),
    host: o.host ?? '127.0.0.1',
    console: o.console ?? isLoopback(o.host ?? '127.0.0.1'),
    db: o.db ?? ':memory:',
    owners,
    ...resolveUsers(o, owners),
    batchApiUnavailable: o.batchApiUnavailable === true,
    types: resolveTypes(o.indicatorTypes),
    maxUploadBytes: nonNegative('maxUploadBytes', o.maxUploadBytes, 100_000_000),
    maxFileBytes: nonNegative('maxFileBytes', o.maxFileBytes, 100_000_000),
    indicatorLimit: nonNegative('indicatorLimit', o.indicatorLimit, DEFAULT_INDICATOR_LIMIT),
    workers: positiveInt('workers', o.workers, DEFAULT_WORKERS),
    timing: {
      queueDelayMs: nonNegative('timing.queueDelayMs', t.queueDelayMs, 0),
      runDelayMs: nonNegative('timing.runDelayMs', t.runDelayMs, 0),
      pollsPerState: nonNegative('timing.pollsPerState', t.pollsPerState, 0),
      synchronousLimit: nonNegative('timing.synchronousLimit', t.synchronousLimit, 0),
    },
    faults: {
      seed: f.seed ?? 1,
      latencyMs: nonNegative('faults.latencyMs', f.latencyMs, 0),
      errorRate: rate('faults.errorRate', f.errorRate),
      errorStatuses: f.errorStatuses && f.errorStatuses.length > 0 ? f.errorStatuses : [500, 502, 503],
      rateLimitRate: rate('faults.rateLimitRate', f.rateLimitRate),
      retryAfterSeconds: nonNegative('faults.retryAfterSeconds', f.retryAfterSeconds, 1),
      dropRate: rate('faults.dropRate', f.dropRate),
      pathPattern: f.pathPattern ?? '',
      slowJobMs: nonNegative('faults.slowJobMs', f.slowJobMs, 0),
      stuckJobRate: rate('faults.stuckJobRate', f.stuckJobRate),
    },
    clock: o.clock ?? Date.now,
    logStream: o.logStream,
    logFormat: o.logFormat === 'human' ? 'human' : 'json',
    logLevel: o.logLevel ?? 'info',
  };
}

/** Name of the user the plain `credentials`/`tokens` options act as. */
export const DEFAULT_USER = 'api-user';

const token = (k: string | TokenCredential): Required<TokenCredential> =>
  typeof k === 'string' ? { token: k, expiresAt: Infinity } : { token: k.token, expiresAt: k.expiresAt ?? Infinity };

function resolveUsers(o: EmulatorOptions, owners: Required<OwnerOption>[]): Pick<ResolvedOptions, 'credentials' | 'tokens' | 'users'> {
  const all: UserOption[] = [...(o.users ?? [])];
  if ((o.credentials?.length ?? 0) > 0 || (o.tokens?.length ?? 0) > 0 || all.length === 0) {
    all.unshift({ name: DEFAULT_USER, credentials: o.credentials ?? [], tokens: o.tokens ?? [] });
  }
  const known = new Set(owners.map((w) => w.name));
  const names = new Set<string>();
  const out: Pick<ResolvedOptions, 'credentials' | 'tokens' | 'users'> = { credentials: [], tokens: [], users: [] };
  const ids = new Set<string>();
  for (const u of all) {
    if (!u.name || names.has(u.name)) throw new EmulatorOptionsError(`every user needs a name of its own (got ${JSON.stringify(u.name ?? '')})`);
    names.add(u.name);
    const rights = new Map<string, OwnerRight>(u.owners ? Object.entries(u.owners) : owners.map((w) => [w.name, 'write']));
    for (const [owner, right] of rights) {
      if (!known.has(owner)) throw new EmulatorOptionsError(`user ${u.name}: owner '${owner}' is not one of the configured owners`);
      if (right !== 'read' && right !== 'write') throw new EmulatorOptionsError(`user ${u.name}: the right on '${owner}' must be read or write`);
    }
    if (rights.size === 0) throw new EmulatorOptionsError(`user ${u.name}: needs a right on at least one owner`);
    for (const c of u.credentials ?? []) {
      if (!c.accessId || !c.secretKey) throw new EmulatorOptionsError(`user ${u.name}: a credential needs an accessId and a secretKey`);
      if (ids.has(`id:${c.accessId}`)) throw new EmulatorOptionsError(`user ${u.name}: access id ${c.accessId} belongs to another user`);
      ids.add(`id:${c.accessId}`);
      out.credentials.push({ accessId: c.accessId, secretKey: c.secretKey, user: u.name });
    }
    for (const k of u.tokens ?? []) {
      const t = token(k);
      if (!t.token) throw new EmulatorOptionsError(`user ${u.name}: a token must not be empty`);
      if (ids.has(`tk:${t.token}`)) throw new EmulatorOptionsError(`user ${u.name}: a token is given twice`);
      ids.add(`tk:${t.token}`);
      out.tokens.push({ ...t, user: u.name });
    }
    out.users.push({ name: u.name, rights, home: [...rights.keys()][0]! });
  }
  return out;
}

/** The lookup of the `indicatorTypes` option. @throws EmulatorOptionsError when it is not a set of custom types */
function resolveTypes(set: IndicatorTypeSet | undefined): TypeLookup {
  if (set !== undefined && (set === null || typeof set !== 'object' || typeof set.indicators !== 'object' || set.indicators === null)) {
    throw new EmulatorOptionsError('indicatorTypes is a set of custom indicator types (customTypes of tcbatch codegen, or loadIndicatorTypes)');
  }
  return typeLookup(set);
}
