/**
 * The local ThreatConnect batch server: start it in-process with
 * {@link startEmulator}, or from the command line with `tcbatch serve`.
 */
import { JobRunner } from './jobs.js';
import { resolveOptions, type EmulatorOptions } from './options.js';
import { seededRandom } from './random.js';
import { buildApp } from './server.js';
import { Store, type JobSummary } from './store.js';
import { requireEmulatorPeers } from './peers.js';

export type { EmulatorOptions, FaultOptions, TimingOptions, OwnerOption, HmacCredential, TokenCredential } from './options.js';
export type { JobSummary, JobCounts, JobPhase } from './store.js';
export { EmulatorHttpError, EmulatorOptionsError } from './errors.js';
export { AUTH_MESSAGES, TIMESTAMP_WINDOW_SECONDS } from './auth.js';

/** A running emulator. */
export interface RunningEmulator {
  /** Base URL ending in `/api`, e.g. `http://127.0.0.1:41234/api`. */
  url: string;
  /** URL of the web console (`http://127.0.0.1:41234/`), or `undefined` when it is not served. */
  consoleUrl: string | undefined;
  /** The port actually bound (useful with port 0). */
  port: number;
  /**
   * Every batch job issued so far, newest first: id, owner, real status, whether data was uploaded,
   * counts and time stamps (the same list `GET /api/emulator/batch` answers).
   */
  jobs(): JobSummary[];
  /** Stop listening, stop job timers and close the database. Unfinished jobs resume on the next start with the same file. */
  close(): Promise<void>;
}

/**
 * Start the emulator.
 *
 * @param options see {@link EmulatorOptions}; everything is optional (port 0, in-memory database,
 *   owner `Demo Organization`, no faults, no credentials — add `credentials` or `tokens`)
 * @returns the base URL and a `close()` function
 * @throws MissingPeerError (`TCB_MISSING_PEER`) when an optional peer dependency the emulator needs
 *   (fastify, @fastify/multipart, better-sqlite3) is not installed, naming every missing one;
 *   EmulatorOptionsError (`TCE_BAD_OPTIONS`) for invalid options; the SQLite error when the
 *   database cannot be opened; the listen error (e.g. `EADDRINUSE`) when the port is taken
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  requireEmulatorPeers();
  const opts = resolveOptions(options);
  const store = Store.open(opts.db);
  const jobs = new JobRunner(store, opts, seededRandom(opts.faults.seed + 1));
  try {
    store.ensureOwners(opts.owners);
    const app = await buildApp(opts, store, jobs);
    await app.listen({ port: opts.port, host: opts.host });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : opts.port;
    jobs.resume();
    const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
    let closed = false;
    return {
      url: `http://${host}:${port}/api`,
      consoleUrl: opts.console ? `http://${host}:${port}/` : undefined,
      port,
      jobs: () => jobs.list(),
      close: async () => {
        if (closed) return;
        closed = true;
        jobs.close();
        await app.close();
        store.close();
      },
    };
  } catch (e) {
    jobs.close();
    store.close();
    throw e;
  }
}
