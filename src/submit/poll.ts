/**
 * Polling a batch job until it is Completed (tc-batch-api.md §3.4; the only final state). The
 * schedule follows the reference (tcex-batch.md §10.6): a first wait, then `min(retry + n * backOff,
 * maxInterval)` seconds, with a deadline and an AbortSignal.
 */
import type { BatchStatus } from '../../generated/types/index.js';
import { AbortError, PollTimeoutError } from '../client/errors.js';
import { sleep as realSleep, type TcClient } from '../client/client.js';
import type { ProgressEvent } from './events.js';

/** Polling schedule. All durations in seconds. */
export interface PollOptions {
  /** Wait before the first status request. Default: max(ceil(items / 300), 5), or 15 when the item count is unknown (tcex). */
  firstWait?: number;
  /** Base interval after the first poll. Default 5. */
  interval?: number;
  /** Growth per poll. Default 2.5. */
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

/** Default first wait for a job of `items` items (tcex: `max(ceil(n/300), 5)`). */
export function defaultFirstWait(items?: number): number {
  return items === undefined ? 15 : Math.max(Math.ceil(items / 300), 5);
}

/**
 * Poll `GET /v2/batch/{id}` until the status is Completed.
 * @param items the number of items sent (sets the default first wait)
 * @returns the final status (with the includeAdditional counts)
 * @throws PollTimeoutError (carrying `batchId`) after `timeout` seconds; AbortError when the signal
 *   fires; TcApiError / NetworkError from the client after its retries.
 */
export async function pollJob(client: TcClient, batchId: number, options: PollOptions = {}, items?: number): Promise<BatchStatus> {
  const wait = options.sleep ?? realSleep;
  const first = options.firstWait ?? defaultFirstWait(items);
  const base = options.interval ?? 5;
  const backOff = options.backOff ?? 2.5;
  const maxInterval = options.maxInterval ?? 20;
  const timeout = options.timeout ?? 3600;
  let waited = 0;
  let next = first;
  let last: string | undefined;
  for (let attempt = 1; ; attempt++) {
    if (waited + next > timeout) {
      next = Math.max(0, timeout - waited);
    }
    try {
      await wait(next * 1000, options.signal);
    } catch (e) {
      throw new AbortError(`polling batch ${batchId}`, e);
    }
    waited += next;
    const status = await client.status(batchId, { signal: options.signal });
    last = status.status;
    options.onProgress?.({ type: 'poll', batchId, attempt, status: status.status, waitedSeconds: waited });
    if (status.status === 'Completed') return status;
    if (waited >= timeout) throw new PollTimeoutError(batchId, waited, last);
    next = Math.min(base + Math.floor(attempt * backOff), maxInterval);
  }
}
