/**
 * Polling a batch job until it is Completed (its only final state; ThreatConnect V2 Batch API:
 * "Check batch job status"), with a deadline and an AbortSignal.
 *
 * Two schedules:
 * - `default`: follows the server — the first status request soon after the upload
 *   ({@link DEFAULT_POLL} `firstWait` 0.25 s), then waits from `interval` (0.1 s) growing by
 *   `factor` (1.5) up to `maxInterval` (20 s): 0.25, 0.1, 0.15, 0.225, 0.34, 0.51, 0.76 ... 20
 *   seconds. A job is seen at most half its run time late; a long job costs a request every 20 s. Within one
 *   `submit()` run, once a job has completed, the next jobs follow its pace ({@link JobPace}): the
 *   first request at 0.9 of the job's expected time (capped at `maxInterval`), then waits from a
 *   tenth of it, growing by `factor` — a fast server is asked sooner, a slow one less often.
 * - `tcex`: TcEx's schedule — a first wait of `max(ceil(items / 300), 5)` s (15 s when the item
 *   count is unknown), then `min(interval + n * backOff, maxInterval)` = `min(5 + 2.5 n, 20)` s.
 */
import type { BatchStatus } from '../../generated/types/index.js';
import { AbortError, PollTimeoutError } from '../client/errors.js';
import { sleep as realSleep, type TcClient } from '../client/client.js';
import type { ProgressEvent } from './events.js';

/** Polling schedule. All durations in seconds. */
export interface PollOptions {
  /** `default` (soon, then growing by `factor`) or `tcex` (the reference's schedule). */
  schedule?: 'default' | 'tcex';
  /** Wait before the first status request. Default 0.25; tcex: max(ceil(items / 300), 5), 15 when unknown. */
  firstWait?: number;
  /** The first interval after the first poll. Default 0.1; tcex 5. */
  interval?: number;
  /** `default`: each interval is the previous times `factor`. Default 1.5. */
  factor?: number;
  /** `tcex`: the interval after poll n is `interval + n * backOff`. Default 2.5. Giving it selects `tcex` growth. */
  backOff?: number;
  /** Largest interval. Default 20. */
  maxInterval?: number;
  /** Give up after this long: throws PollTimeoutError with the batch id. Default 3,600. */
  timeout?: number;
  signal?: AbortSignal;
  /**
   * `default` schedule without an explicit `firstWait` or `interval`: the pace of the jobs seen
   * so far in the run; the schedule follows it and each completed job is added to it.
   * `submit()` makes one per run.
   */
  pace?: JobPace;
  /** Sleep function (tests inject a fake clock). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onProgress?: (event: ProgressEvent) => void;
}

/** The default schedule, in seconds. */
export const DEFAULT_POLL = { firstWait: 0.25, interval: 0.1, factor: 1.5, maxInterval: 20, timeout: 3600 } as const;

/** TcEx's schedule, in seconds (`firstWait` depends on the item count: {@link defaultFirstWait}). */
export const TCEX_POLL = { interval: 5, backOff: 2.5, maxInterval: 20, timeout: 3600 } as const;

/** The shortest learned wait, seconds: a job the server finishes at once is not asked about in a loop. */
const MIN_LEARNED_WAIT = 0.02;

/**
 * The pace of the server's jobs in one run, in seconds per item, learned from the polls of the
 * jobs that completed: a job not Completed at `notYetSeconds` after its upload and Completed at
 * `doneSeconds` took about the middle of the two. Each new job weighs as much as all before it
 * (a moving average that follows a server whose load changes). Times are the schedule's waits,
 * so a fake sleep gives exact values.
 */
export class JobPace {
  #secondsPerItem: number | undefined;

  /**
   * Add a completed job.
   * @param items groups and indicators of the job (0 counts as 1)
   * @param notYetSeconds waited before the last status that was not Completed (0: none was seen)
   * @param doneSeconds waited before the status that was Completed
   */
  observe(items: number, notYetSeconds: number, doneSeconds: number): void {
    const rate = (notYetSeconds + doneSeconds) / 2 / Math.max(1, items);
    this.#secondsPerItem = this.#secondsPerItem === undefined ? rate : (this.#secondsPerItem + rate) / 2;
  }

  /** The expected run time of a job of `items` items, seconds; undefined before a job completed. */
  expectedSeconds(items: number): number | undefined {
    return this.#secondsPerItem === undefined ? undefined : this.#secondsPerItem * Math.max(1, items);
  }
}

/** TcEx's first wait for a job of `items` items: `max(ceil(items / 300), 5)` s, 15 s when unknown. */
export function defaultFirstWait(items?: number): number {
  return items === undefined ? 15 : Math.max(Math.ceil(items / 300), 5);
}

/**
 * The waits (seconds) before each status request, without the deadline.
 * @returns a function from the poll number (0 = the first request) to the wait before it
 */
export function pollSchedule(options: PollOptions = {}, items?: number): (n: number) => number {
  const tcex = options.schedule === 'tcex' || (options.schedule === undefined && options.backOff !== undefined);
  const max = options.maxInterval ?? DEFAULT_POLL.maxInterval;
  if (tcex) {
    const first = options.firstWait ?? defaultFirstWait(items);
    const base = options.interval ?? TCEX_POLL.interval;
    const backOff = options.backOff ?? TCEX_POLL.backOff;
    return (n) => (n === 0 ? first : Math.min(base + Math.floor(n * backOff), max));
  }
  const factor = options.factor ?? DEFAULT_POLL.factor;
  const expected = options.firstWait === undefined && options.interval === undefined && items !== undefined ? options.pace?.expectedSeconds(items) : undefined;
  const first = expected === undefined ? (options.firstWait ?? DEFAULT_POLL.firstWait) : Math.min(max, Math.max(MIN_LEARNED_WAIT, 0.9 * expected));
  const base = expected === undefined ? (options.interval ?? DEFAULT_POLL.interval) : Math.max(MIN_LEARNED_WAIT, 0.1 * expected);
  return (n) => (n === 0 ? first : Math.min(base * factor ** (n - 1), max));
}

/**
 * Poll `GET /v2/batch/{id}?includeAdditional=true` until the status is Completed.
 * @param items the number of items sent (sets tcex's first wait, and the default schedule's with `options.pace`)
 * @returns the final status (with the includeAdditional counts)
 * @throws PollTimeoutError (carrying `batchId`) after `timeout` seconds; AbortError when the signal
 *   fires; TcApiError / NetworkError from the client after its retries.
 */
export async function pollJob(client: TcClient, batchId: number, options: PollOptions = {}, items?: number): Promise<BatchStatus> {
  const wait = options.sleep ?? realSleep;
  const schedule = pollSchedule(options, items);
  const timeout = options.timeout ?? DEFAULT_POLL.timeout;
  let waited = 0;
  let notYet = 0;
  let last: string | undefined;
  for (let n = 0; ; n++) {
    const next = Math.max(0, Math.min(schedule(n), timeout - waited));
    try {
      await wait(next * 1000, options.signal);
    } catch (e) {
      throw new AbortError(`polling batch ${batchId}`, e);
    }
    waited += next;
    const status = await client.status(batchId, { signal: options.signal });
    last = status.status;
    options.onProgress?.({ type: 'poll', batchId, attempt: n + 1, status: status.status, waitedSeconds: Math.round(waited * 1000) / 1000 });
    if (status.status === 'Completed') {
      options.pace?.observe(items ?? 0, notYet, waited);
      return status;
    }
    notYet = waited;
    if (waited >= timeout) throw new PollTimeoutError(batchId, waited, last);
  }
}
