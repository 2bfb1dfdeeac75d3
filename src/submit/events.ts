/**
 * Progress events of a submit: what the CLI draws its progress bars from and what tests assert.
 * Events never carry a secret, a header or file content.
 */
import type { RetryEvent } from '../client/client.js';
import type { ErrorCode } from '../errors.js';
import type { statusCounts } from '../../generated/catalog.js';

/** Everything the orchestrator reports while it runs. */
export type ProgressEvent =
  | { type: 'chunk-built'; chunk: number; groups: number; indicators: number; associations: number; bytes: number }
  /** The chunk's state was taken from the journal: `phase` says what is left to do. */
  | { type: 'chunk-resumed'; chunk: number; batchId: number | undefined; phase: 'done' | 'errors' | 'files' | 'poll' | 'check' | 'send' }
  | { type: 'job-created'; chunk: number; batchId: number }
  | { type: 'chunk-sent'; chunk: number; batchId: number | undefined; status: string }
  /** An upload's answer was lost: the job's status is asked before anything is sent again. */
  | { type: 'upload-check'; chunk: number; batchId: number; reason: string; status: string }
  /** The chunk ended without a Completed job: `unknown` (sent, outcome not known), `notSent`, or `refused` by the server. */
  | { type: 'chunk-failed'; chunk: number; batchId: number | undefined; state: 'unknown' | 'notSent' | 'refused'; code: ErrorCode; message: string }
  | { type: 'halted'; reason: string }
  | { type: 'poll'; batchId: number; attempt: number; status: string; waitedSeconds: number }
  | { type: 'completed'; chunk: number; batchId: number | undefined; status: BatchCounts }
  | { type: 'errors-fetched'; batchId: number; count: number }
  | { type: 'file'; xid: string; uploaded: boolean; status?: number; error?: string }
  | RetryEvent;

/** A count of a `BatchStatus` (`statusCounts` of the catalogue). */
export type StatusCountName = keyof typeof statusCounts;
/** The totals: counts of all items (`x-tc-count` items `all`). */
type TotalName = { [K in StatusCountName]: (typeof statusCounts)[K]['items'] extends 'all' ? K : never }[StatusCountName];

/** The counts of a finished job: the totals (0 when the server left them out) and the per-kind counts it gave. */
export type BatchCounts = { [K in TotalName]: number } & { [K in Exclude<StatusCountName, TotalName>]?: number };
