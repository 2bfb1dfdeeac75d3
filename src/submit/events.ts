/**
 * Progress events of a submit: what the CLI draws its progress bars from and what tests assert.
 * Events never carry a secret, a header or file content.
 */
import type { RetryEvent } from '../client/client.js';

/** Everything the orchestrator reports while it runs. */
export type ProgressEvent =
  | { type: 'chunk-built'; chunk: number; groups: number; indicators: number; associations: number; bytes: number }
  | { type: 'chunk-sent'; chunk: number; batchId: number | undefined; status: string }
  | { type: 'poll'; batchId: number; attempt: number; status: string; waitedSeconds: number }
  | { type: 'completed'; chunk: number; batchId: number | undefined; status: BatchCounts }
  | { type: 'errors-fetched'; batchId: number; count: number }
  | { type: 'file'; xid: string; uploaded: boolean; status?: number; error?: string }
  | RetryEvent;

/** The counts of a finished job. */
export interface BatchCounts {
  successCount: number;
  errorCount: number;
  unprocessCount: number;
  successIndicatorCount?: number;
  errorIndicatorCount?: number;
  successGroupCount?: number;
  errorGroupCount?: number;
  successAssociationCount?: number;
  errorAssociationCount?: number;
}
