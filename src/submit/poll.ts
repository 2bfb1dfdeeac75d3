/**
 * Polling a batch job until it is Completed (its only final state; ThreatConnect V2 Batch API:
 * "Check batch job status"), with a deadline and an AbortSignal.
 *
 * Two schedules:
 * - `default`: follows the server — the first status request soon after the upload
 *   ({@link DEFAULT_POLL} `firstWait` 0.25 s), then waits growing by `factor` (1.5) up to
 *   `maxInterval` (20 s): 0.25, 0.25, 0.375, 0.56, 0.84, 1.27, 1.9, 2.85 ... 20 seconds. A job is
 *   seen at most half its run time late; a long job costs a request every 20 s.
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
  /** The first interval after the first poll. Default 0.25; tcex 5. */
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
  /** Sleep function (tests inject a fake clock). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  onProgress?: (event: ProgressEvent) => void;
}

/** The default schedule, in seconds. */
export const DEFAULT_POLL = { firstWait: 0.25, interval: 0.25, factor: 1.5, maxInterval: 20, timeout: 3600 } as const;

/** TcEx's schedule, in seconds (`firstWait` depends on the item count: {@link defaultFirstWait}). */
export const TCEX_POLL = { interval: 5, backOff: 2.5, maxInterval: 20, timeout: 3600 } as const;

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
  const first = options.firstWait ?? DEFAULT_POLL.firstWait;
  const base = options.interval ?? DEFAULT_POLL.interval;
  const factor = options.factor ?? DEFAULT_POLL.factor;
  return (n) => (n === 0 ? first : Math.min(base * factor ** (n - 1), max));
}

/**
 * Poll `GET /v2/batch/{id}?includeAdditional=true` until the status is Completed.
 * @param items the number of items sent (sets tcex's first wait)
 * @returns the final status (with the includeAdditional counts)
 * @throws PollTimeoutError (carrying `batchId`) after `timeout` seconds; AbortError when the signal
 *   fires; TcApiError / NetworkError from the client after its retries.
 */
export async function pollJob(client: TcClient, batchId: number, options: PollOptions = {}, items?: number): Promise<BatchStatus> {
  const wait = options.sleep ?? realSleep;
  const schedule = pollSchedule(options, items);
  const timeout = options.timeout ?? DEFAULT_POLL.timeout;
  let waited = 0;
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
    if (status.status === 'Completed') return status;
    if (waited >= timeout) throw new PollTimeoutError(batchId, waited, last);
  }
}
