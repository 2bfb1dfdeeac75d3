/**
 * The submit orchestrator (seed "Submit", option 1): every chunk of a batch goes to ThreatConnect
 * (Create: `POST /v2/batch/createAndUpload`; Delete: `POST /v2/batch` then `POST /v2/batch/{id}`,
 * tc-batch-api.md §3.9), is polled to Completed, its errors are read when any count is above zero,
 * and its Document/Report files are uploaded after it completed. One typed result comes back;
 * partial failures are data in it, not exceptions.
 *
 * Halting is one policy: `haltOnError` is the server setting (in the job config); `halt` here
 * decides whether the run goes on after a failed chunk.
 */
import type { BatchStatus } from '../../generated/types/index.js';
import type { TcClient } from '../client/client.js';
import { AbortError, TcApiError } from '../client/errors.js';
import type { Chunk } from '../batch/chunker.js';
import type { WireJobConfig } from '../batch/settings.js';
import type { BatchCounts, ProgressEvent } from './events.js';
import { readErrors, type ErrorItem, type ItemLookup, type SubmitErrorRecord } from './errors.js';
import { uploadFiles, type FileResult } from './files.js';
import { pollJob, type PollOptions } from './poll.js';

/** When the run stops early (client side; the server's own `haltOnError` is a job setting). */
export type HaltPolicy = 'never' | 'on-critical' | 'on-error';

/** Options of `batch.submit()`. */
export interface SubmitOptions {
  /** Poll each job to Completed (default true); an object sets the schedule. */
  poll?: boolean | PollOptions;
  /** Read error records when a job reports errors (default true). */
  errors?: boolean;
  /** Upload Document/Report files after their job completed (default true; never for Delete). */
  files?: boolean | { concurrency?: number };
  /** Stop after a chunk whose job failed: `on-critical` (default: transport failure or a job-fatal error), `on-error` (any error), `never`. */
  halt?: HaltPolicy;
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** The outcome of one chunk's job. */
export interface JobResult {
  chunk: number;
  /** Undefined when the server processed the chunk synchronously without an id, or the request failed. */
  batchId: number | undefined;
  /** Last status seen (`Completed` after polling). */
  status: BatchStatus | undefined;
  /** The exact job config sent. */
  settings: WireJobConfig;
  /** Items sent in this chunk. */
  sent: { groups: number; indicators: number; associations: number };
  errors: SubmitErrorRecord[];
  /** Why the chunk could not be sent or polled (TcApiError/NetworkError/PollTimeoutError message). */
  failure?: { code: string; message: string; batchId?: number };
}

/** Result of `batch.submit()`. */
export interface SubmitResult {
  jobs: JobResult[];
  /** Every error record of every job. */
  errors: SubmitErrorRecord[];
  files: FileResult[];
  totals: {
    chunks: number;
    sent: { groups: number; indicators: number; associations: number };
    succeeded: number;
    failed: number;
    unprocessed: number;
    /** Items of chunks that could not be sent or whose outcome is unknown. */
    unknown: number;
  };
  /** The run stopped before the last chunk. */
  halted: boolean;
  haltReason?: string;
}

/** What the orchestrator needs from a batch. */
export interface Submittable {
  chunks(): Iterable<Chunk>;
  readonly settings: WireJobConfig;
}

function counts(s: BatchStatus | undefined): BatchCounts {
  return {
    successCount: s?.successCount ?? 0,
    errorCount: s?.errorCount ?? 0,
    unprocessCount: s?.unprocessCount ?? 0,
    ...(s?.successIndicatorCount !== undefined ? { successIndicatorCount: s.successIndicatorCount } : {}),
    ...(s?.errorIndicatorCount !== undefined ? { errorIndicatorCount: s.errorIndicatorCount } : {}),
    ...(s?.successGroupCount !== undefined ? { successGroupCount: s.successGroupCount } : {}),
    ...(s?.errorGroupCount !== undefined ? { errorGroupCount: s.errorGroupCount } : {}),
    ...(s?.successAssociationCount !== undefined ? { successAssociationCount: s.successAssociationCount } : {}),
    ...(s?.errorAssociationCount !== undefined ? { errorAssociationCount: s.errorAssociationCount } : {}),
  };
}

/** An item lookup over a chunk's content, built only when errors need it. */
export function chunkLookup(chunk: Chunk): ItemLookup {
  let map: Map<string, ErrorItem> | undefined;
  return (token) => {
    if (!map) {
      map = new Map();
      const content = chunk.content;
      for (const g of content.group ?? []) {
        const item: ErrorItem = {
          kind: 'group',
          type: g.type,
          xid: g.xid,
          summary: g.name,
        };
        map.set(g.xid, item);
        if (!map.has(g.name)) map.set(g.name, item);
      }
      for (const i of content.indicator ?? []) {
        const summary = String(i.summary ?? '');
        const item: ErrorItem = {
          kind: 'indicator',
          type: i.type,
          xid: String(i.xid ?? ''),
          summary,
        };
        if (i.xid) map.set(String(i.xid), item);
        if (!map.has(summary)) map.set(summary, item);
      }
    }
    return map.get(token);
  };
}

/** Whether a job's status asks for its error records (any error count above zero). */
export function hasErrors(s: BatchStatus | undefined): boolean {
  return (
    (s?.errorCount ?? 0) > 0 ||
    (s?.errorGroupCount ?? 0) > 0 ||
    (s?.errorIndicatorCount ?? 0) > 0 ||
    (s?.errorAssociationCount ?? 0) > 0
  );
}

/**
 * Send one chunk: createAndUpload for Create, job + upload for Delete.
 * @returns the first status the server gave
 */
export async function sendChunk(
  client: TcClient,
  settings: WireJobConfig,
  chunk: Chunk,
  signal?: AbortSignal,
): Promise<BatchStatus> {
  if (settings.action === 'Delete') {
    const batchId = await client.createJob(settings, { signal });
    const status = await client.uploadData(batchId, chunk.text, { signal });
    return { ...(status ?? { status: 'Queued' }), id: batchId };
  }
  return client.createAndUpload(settings, chunk.text, { signal });
}

/**
 * Submit every chunk of `batch` and return one aggregated result.
 * @throws AbortError when the signal fires (the result so far is lost only then); ValidationError
 *   when an item breaks a rule while chunking (before anything of that chunk is sent).
 */
export async function submitBatch(
  batch: Submittable,
  client: TcClient,
  options: SubmitOptions = {},
): Promise<SubmitResult> {
  const settings = batch.settings;
  const emit = options.onProgress ?? (() => {});
  const pollOptions: PollOptions | undefined =
    options.poll === false
      ? undefined
      : {
          ...(typeof options.poll === 'object' ? options.poll : {}),
          signal: options.signal,
          onProgress: emit,
        };
  const halt = options.halt ?? 'on-critical';
  const wantFiles = options.files !== false && settings.action !== 'Delete';
  const result: SubmitResult = {
    jobs: [],
    errors: [],
    files: [],
    totals: {
      chunks: 0,
      sent: { groups: 0, indicators: 0, associations: 0 },
      succeeded: 0,
      failed: 0,
      unprocessed: 0,
      unknown: 0,
    },
    halted: false,
  };
  const stopRetryEvents = client.onRetry(emit);
  try {
    await runChunks();
  } finally {
    stopRetryEvents();
  }
  return result;

  async function runChunks(): Promise<void> {
    for (const chunk of batch.chunks()) {
      if (options.signal?.aborted) throw new AbortError('submit', options.signal.reason);
      const sent = {
        groups: chunk.counts.group,
        indicators: chunk.counts.indicator,
        associations: chunk.counts.association,
      };
      emit({
        type: 'chunk-built',
        chunk: chunk.index,
        groups: sent.groups,
        indicators: sent.indicators,
        associations: sent.associations,
        bytes: chunk.bytes,
      });
      const job: JobResult = {
        chunk: chunk.index,
        batchId: undefined,
        status: undefined,
        settings,
        sent,
        errors: [],
      };
      result.jobs.push(job);
      result.totals.chunks++;
      result.totals.sent.groups += sent.groups;
      result.totals.sent.indicators += sent.indicators;
      result.totals.sent.associations += sent.associations;
      try {
        let status = await sendChunk(client, settings, chunk, options.signal);
        job.batchId = status.id;
        job.status = status;
        emit({
          type: 'chunk-sent',
          chunk: chunk.index,
          batchId: status.id,
          status: status.status,
        });
        if (status.id !== undefined && status.status !== 'Completed' && pollOptions) {
          status = await pollJob(client, status.id, pollOptions, sent.groups + sent.indicators);
          job.status = status;
        }
        if (status.status === 'Completed') {
          emit({
            type: 'completed',
            chunk: chunk.index,
            batchId: status.id,
            status: counts(status),
          });
          result.totals.succeeded += status.successCount ?? 0;
          result.totals.failed += status.errorCount ?? 0;
          result.totals.unprocessed += status.unprocessCount ?? 0;
          if (options.errors !== false && status.id !== undefined && hasErrors(status)) {
            job.errors = await readErrors(client, status.id, {
              signal: options.signal,
              lookup: chunkLookup(chunk),
              sleep: pollOptions?.sleep,
            });
            result.errors.push(...job.errors);
            emit({
              type: 'errors-fetched',
              batchId: status.id,
              count: job.errors.length,
            });
          }
          if (wantFiles && chunk.files.length > 0) {
            const concurrency = typeof options.files === 'object' ? options.files.concurrency : undefined;
            result.files.push(
              ...(await uploadFiles(client, chunk.files, {
                owner: settings.owner!,
                concurrency,
                signal: options.signal,
                onProgress: emit,
              })),
            );
          }
        } else {
          result.totals.unknown += sent.groups + sent.indicators + sent.associations;
          if (wantFiles)
            for (const f of chunk.files)
              result.files.push({
                xid: f.xid,
                type: f.type,
                fileName: f.fileName,
                uploaded: false,
                error: 'the job was not polled to Completed, so its groups may not exist yet',
              });
        }
      } catch (e) {
        if (e instanceof AbortError) throw e;
        const err = e as { code?: string; message: string; batchId?: number };
        job.failure = {
          code: err.code ?? 'TCB_UNKNOWN',
          message: err.message,
          ...(err.batchId !== undefined ? { batchId: err.batchId } : {}),
        };
        result.totals.unknown += sent.groups + sent.indicators + sent.associations;
        if (wantFiles)
          for (const f of chunk.files)
            result.files.push({
              xid: f.xid,
              type: f.type,
              fileName: f.fileName,
              uploaded: false,
              error: `chunk ${chunk.index} failed: ${err.message}`,
            });
        if (halt !== 'never') {
          result.halted = true;
          result.haltReason = `chunk ${chunk.index}: ${err.message}`;
          break;
        }
        if (!(e instanceof TcApiError) && !(err.code ?? '').startsWith('TCB_')) throw e;
        continue;
      }
      const critical = job.errors.find((x) => x.critical);
      if ((halt === 'on-critical' && critical) || (halt === 'on-error' && hasErrors(job.status))) {
        result.halted = true;
        result.haltReason = `chunk ${chunk.index}: ${critical ? critical.reason : `${job.status?.errorCount ?? 0} errors`}`;
        break;
      }
    }
  }
}
