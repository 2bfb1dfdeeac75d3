/**
 * One chunk through ThreatConnect, as a small state machine driven by what the ledger knows:
 * create the job (`POST /v2/batch`; an empty job holds nothing, so a lost answer is simply asked
 * again), record its id, upload the data (`POST /v2/batch/{id}`, never resent blindly: on a lost
 * answer, a 5xx or a dropped connection the job's status is asked and the data is sent again only
 * when the job is still `Created`), poll to Completed, read the error records, upload the files.
 * Every step is recorded in the ledger before the next one starts, so a resumed run picks up at the
 * first step not recorded.
 */
import { createHash } from 'node:crypto';
import type { BatchStatus } from '../../generated/types/index.js';
import { sleep as realSleep, type TcClient } from '../client/client.js';
import { AbortError, BadAnswerError, NetworkError, PollTimeoutError, TcApiError } from '../client/errors.js';
import { TcBatchError, type ErrorCode } from '../errors.js';
import { chunkIn, completedStates, noItemsByKind, type StatesByKind } from './accounting.js';
import { failureRecord, readErrors, type ErrorItem, type ItemLookup, type SubmitErrorRecord } from './errors.js';
import type { BatchCounts, ProgressEvent } from './events.js';
import { statusCounts } from '../../generated/catalog.js';
import type { StatusCountInfo } from '../model/catalog-types.js';
import { uploadFiles, type FileResult } from './files.js';
import type { ChunkRecord, Ledger } from './ledger.js';
import { pollJob, type PollOptions } from './poll.js';
import type { SubmitChunk } from './types.js';

/** How a chunk ended. */
export type ChunkState = 'completed' | 'unknown' | 'refused' | 'notSent';

/** The outcome of one chunk's job. */
export interface JobResult {
  chunk: number;
  /** The job of the chunk (undefined when none was created). */
  batchId: number | undefined;
  /** `completed`: the job is Completed; `unknown`: sent, outcome not known (resume resolves it); `refused`: the server refused the data; `notSent`. */
  state: ChunkState;
  /** Taken up from the journal of an earlier run. */
  resumed: boolean;
  /** Last status seen (`Completed` after polling). */
  status: BatchStatus | undefined;
  /** The exact job config sent. */
  settings: Record<string, string>;
  /** Items in this chunk. */
  sent: { groups: number; indicators: number; associations: number };
  /** The chunk's items by state. */
  items: StatesByKind;
  /** The job's error records (and this chunk's client-side failure, if any). */
  errors: SubmitErrorRecord[];
  /** Document/Report uploads of this chunk. */
  files: FileResult[];
  /** Why the chunk did not complete, or why its errors could not be read. */
  failure?: { code: ErrorCode; message: string; batchId?: number; status?: number };
}

/** What a chunk run needs. */
export interface ChunkContext {
  client: TcClient;
  settings: Record<string, string>;
  ledger: Ledger;
  /** Undefined: do not poll (the chunk ends `unknown` after its upload). */
  poll: PollOptions | undefined;
  readErrors: boolean;
  files: { enabled: boolean; concurrency?: number };
  signal: AbortSignal | undefined;
  emit: (event: ProgressEvent) => void;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Uploads of one chunk's data at most (each after asking the status). Default 3. */
  uploadAttempts: number;
}

const causes = new WeakMap<JobResult, unknown>();

/** The error behind a job's `failure` (kept out of the result so that it stays plain data). */
export function failureCause(job: JobResult): unknown {
  return causes.get(job);
}

/** sha256 of a chunk's text (hex): what the ledger compares on resume. */
export function chunkHash(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** An item lookup over a chunk's content, built only when errors need it. */
export function chunkLookup(chunk: Pick<SubmitChunk, 'content'>): ItemLookup {
  let map: Map<string, ErrorItem> | undefined;
  return (token) => {
    if (!map) {
      map = new Map();
      const content = chunk.content;
      for (const g of content.group ?? []) {
        const item: ErrorItem = { kind: 'group', type: String(g.type), xid: String(g.xid), summary: String(g.name) };
        map.set(item.xid, item);
        if (!map.has(item.summary)) map.set(item.summary, item);
      }
      for (const i of content.indicator ?? []) {
        const item: ErrorItem = { kind: 'indicator', type: String(i.type), xid: String(i.xid ?? ''), summary: String(i.summary ?? '') };
        if (i.xid) map.set(item.xid, item);
        if (!map.has(item.summary)) map.set(item.summary, item);
      }
    }
    return map.get(token);
  };
}

/** Whether a job's status asks for its error records (any error count above zero). */
export function hasErrors(s: BatchStatus | undefined): boolean {
  if (s === undefined) return false;
  for (const [name, info] of Object.entries(statusCounts) as Array<[keyof typeof statusCounts, StatusCountInfo]>) if (info.outcome === 'error' && (s[name] ?? 0) > 0) return true;
  return false;
}

type Phase = 'new' | 'check' | 'created' | 'uploading' | 'uploaded' | 'completed';

function describe(e: unknown): { code: ErrorCode; message: string; status?: number } {
  const err = e as { message?: unknown; status?: unknown };
  return {
    code: e instanceof TcBatchError ? e.code : 'TCB_INTERNAL',
    message: typeof err.message === 'string' ? err.message : String(e),
    ...(typeof err.status === 'number' ? { status: err.status } : {}),
  };
}

/** The server answered and refused (4xx other than 429): the data was not taken. */
function isRefusal(e: unknown): e is TcApiError {
  return e instanceof TcApiError && e.status >= 400 && e.status < 500 && e.status !== 429;
}

/** What a safe upload needs. */
export interface SafeUploadOptions {
  signal?: AbortSignal;
  /** Uploads at most (each after asking the status). Default 3. */
  attempts?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called (and awaited) once the server has the data, before this resolves. */
  onUploaded?: () => Promise<void>;
  /** Called when an answer was lost and the status was asked. */
  onCheck?: (reason: string, status: string) => void;
}

/**
 * Upload content to job `batchId` without ever sending it twice to a job that has it: after a
 * lost answer, a 5xx or a dropped connection the job's status is asked, and the content is sent
 * again only while the job is still `Created`. A 2xx whose body is not JSON counts as taken.
 * @returns the status the upload (or the status check) answered, if any
 * @throws the upload's error when the server refused it (4xx), when the request never reached it,
 *   when the status cannot be asked, or after `attempts` uploads.
 */
export async function uploadDataSafely(client: TcClient, batchId: number, text: string, options: SafeUploadOptions = {}): Promise<BatchStatus | undefined> {
  const attempts = options.attempts ?? 3;
  const pause = options.sleep ?? realSleep;
  for (let attempt = 1; ; attempt++) {
    try {
      const status = await client.uploadData(batchId, text, { signal: options.signal });
      await options.onUploaded?.();
      return status;
    } catch (e) {
      if (e instanceof BadAnswerError) {
        await options.onUploaded?.();
        return undefined;
      }
      if (e instanceof AbortError || isRefusal(e) || attempt >= attempts) throw e;
      if (e instanceof NetworkError && e.failure !== 'dropped') throw e;
      const status = await client.status(batchId, { signal: options.signal });
      options.onCheck?.((e as Error).message, status.status);
      if (status.status !== 'Created') {
        await options.onUploaded?.();
        return status;
      }
      await pause(500 * attempt, options.signal);
    }
  }
}

/** A chunk's upload through {@link uploadDataSafely}, recorded in the ledger. */
function uploadOnce(ctx: ChunkContext, chunk: SubmitChunk, batchId: number): Promise<BatchStatus | undefined> {
  return uploadDataSafely(ctx.client, batchId, chunk.text, {
    signal: ctx.signal,
    attempts: ctx.uploadAttempts,
    sleep: ctx.sleep,
    onUploaded: () => ctx.ledger.append({ t: 'uploaded', chunk: chunk.index, batchId }),
    onCheck: (reason, status) => ctx.emit({ type: 'upload-check', chunk: chunk.index, batchId, reason, status }),
  });
}

/** Where to start, from the ledger's record of the chunk. */
function startPhase(rec: ChunkRecord | undefined): Phase {
  if (!rec || rec.batchId === undefined || rec.refused) return 'new';
  if (rec.status?.status === 'Completed') return 'completed';
  return rec.uploaded ? 'uploaded' : 'check';
}

const RESUME_EVENT: Record<Phase, 'done' | 'errors' | 'files' | 'poll' | 'check' | 'send'> = {
  new: 'send',
  check: 'check',
  created: 'send',
  uploading: 'send',
  uploaded: 'poll',
  completed: 'done',
};

/**
 * Run one chunk to its end state. Never throws for the chunk's own failures: they are in the
 * result (`state`, `failure`, an error record of origin `client`).
 */
export async function runChunk(ctx: ChunkContext, chunk: SubmitChunk, rec: ChunkRecord | undefined): Promise<JobResult> {
  const sent = { groups: chunk.counts.group, indicators: chunk.counts.indicator, associations: chunk.counts.association };
  const job: JobResult = { chunk: chunk.index, batchId: rec?.refused ? undefined : rec?.batchId, state: 'notSent', resumed: rec !== undefined && rec.batchId !== undefined, status: rec?.status, settings: ctx.settings, sent, items: noItemsByKind(), errors: [], files: [] };
  let phase = startPhase(rec);
  if (job.resumed) ctx.emit({ type: 'chunk-resumed', chunk: chunk.index, batchId: job.batchId, phase: phase === 'completed' ? (rec?.errors === undefined && hasErrors(rec?.status) ? 'errors' : 'files') : RESUME_EVENT[phase] });
  let status = rec?.status;
  try {
    if (phase === 'check') {
      try {
        status = await ctx.client.status(job.batchId!, { signal: ctx.signal });
        phase = status.status === 'Created' ? 'created' : status.status === 'Completed' ? 'completed' : 'uploaded';
        if (phase !== 'created') await ctx.ledger.append({ t: 'uploaded', chunk: chunk.index, batchId: job.batchId! });
      } catch (e) {
        if (!(e instanceof TcApiError && e.status === 404)) throw e;
        phase = 'new'; // the job is gone: a new one takes the data
      }
    }
    if (phase === 'new') {
      const batchId = await ctx.client.createJob(ctx.settings, { signal: ctx.signal });
      job.batchId = batchId;
      await ctx.ledger.append({ t: 'created', chunk: chunk.index, batchId });
      ctx.emit({ type: 'job-created', chunk: chunk.index, batchId });
      phase = 'created';
    }
    if (phase === 'created') {
      phase = 'uploading';
      status = (await uploadOnce(ctx, chunk, job.batchId!)) ?? status;
      phase = 'uploaded';
      ctx.emit({ type: 'chunk-sent', chunk: chunk.index, batchId: job.batchId, status: status?.status ?? 'Queued' });
    }
    job.status = status;
    if (phase === 'uploaded' && status?.status !== 'Completed') {
      if (!ctx.poll) {
        job.state = 'unknown';
        job.items = chunkIn('unknown', chunk.counts);
        return job;
      }
      status = await pollJob(ctx.client, job.batchId!, ctx.poll, chunk.counts.group + chunk.counts.indicator);
    }
    if (rec?.status?.status !== 'Completed') await ctx.ledger.append({ t: 'status', chunk: chunk.index, batchId: job.batchId!, status: status! });
    phase = 'completed';
    job.status = status;
    job.state = 'completed';
    job.items = completedStates(chunk.counts, status!);
    ctx.emit({ type: 'completed', chunk: chunk.index, batchId: job.batchId, status: counts(status!) });
  } catch (e) {
    return failed(ctx, job, chunk, phase, e);
  }
  await finishCompleted(ctx, job, chunk, rec);
  return job;
}

/** Errors and files of a Completed chunk; failures here leave the chunk Completed. */
async function finishCompleted(ctx: ChunkContext, job: JobResult, chunk: SubmitChunk, rec: ChunkRecord | undefined): Promise<void> {
  const batchId = job.batchId!;
  if (rec?.errors !== undefined) job.errors = rec.errors.slice();
  else if (ctx.readErrors && hasErrors(job.status)) {
    try {
      job.errors = await readErrors(ctx.client, batchId, { signal: ctx.signal, lookup: chunkLookup(chunk), sleep: ctx.poll?.sleep });
      await ctx.ledger.append({ t: 'errors', chunk: chunk.index, batchId, records: job.errors });
      ctx.emit({ type: 'errors-fetched', batchId, count: job.errors.length });
    } catch (e) {
      const d = describe(e);
      job.failure = { ...d, message: `the job is Completed but its error records could not be read: ${d.message}`, batchId };
      job.errors.push(failureRecord(job.failure, false));
    }
  }
  if (!ctx.files.enabled || chunk.files.length === 0) return;
  const done = rec?.files ?? new Map<string, { uploaded: boolean; status?: number }>();
  const pending = chunk.files.filter((f) => done.get(f.xid)?.uploaded !== true);
  const earlier: FileResult[] = chunk.files.filter((f) => done.get(f.xid)?.uploaded === true).map((f) => ({ xid: f.xid, type: f.type, fileName: f.fileName, uploaded: true, ...(done.get(f.xid)?.status !== undefined ? { status: done.get(f.xid)!.status } : {}) }));
  const uploaded = await uploadFiles(ctx.client, pending, {
    owner: ctx.settings.owner!,
    concurrency: ctx.files.concurrency,
    signal: ctx.signal,
    onProgress: ctx.emit,
    onResult: (r) => ctx.ledger.append({ t: 'file', chunk: chunk.index, xid: r.xid, uploaded: r.uploaded, ...(r.status !== undefined ? { status: r.status } : {}), ...(r.error !== undefined ? { error: r.error } : {}) }),
  });
  job.files = [...earlier, ...uploaded];
}

/** Record why a chunk did not complete, in the state its last phase implies. */
async function failed(ctx: ChunkContext, job: JobResult, chunk: SubmitChunk, phase: Phase, e: unknown): Promise<JobResult> {
  const d = describe(e);
  let state: Exclude<ChunkState, 'completed'>;
  if (phase === 'new' || phase === 'created') state = 'notSent';
  else if (phase === 'uploading' && isRefusal(e)) state = 'refused';
  else if (phase === 'uploading' && e instanceof NetworkError && e.failure !== 'dropped') state = 'notSent';
  else state = 'unknown';
  if (state === 'refused') {
    try {
      await ctx.ledger.append({ t: 'refused', chunk: chunk.index, batchId: job.batchId!, status: (e as TcApiError).status, message: d.message });
    } catch {
      // the refusal is still reported in the result
    }
  }
  job.state = state;
  job.items = chunkIn(state === 'refused' ? 'failed' : state, chunk.counts);
  job.failure = { ...d, ...(job.batchId !== undefined ? { batchId: job.batchId } : {}) };
  causes.set(job, e);
  job.errors.push(failureRecord(job.failure, !(e instanceof PollTimeoutError || e instanceof AbortError)));
  if (ctx.files.enabled)
    job.files = chunk.files.map((f) => ({ xid: f.xid, type: f.type, fileName: f.fileName, uploaded: false, error: `chunk ${chunk.index} did not complete (${state}): ${d.message}` }));
  ctx.emit({ type: 'chunk-failed', chunk: chunk.index, batchId: job.batchId, state, code: d.code, message: d.message });
  return job;
}

/** The counts of a status: every count the schema lists, the totals as 0 when absent. */
function counts(s: BatchStatus): BatchCounts {
  const out: Record<string, number> = {};
  for (const [name, info] of Object.entries(statusCounts) as Array<[keyof typeof statusCounts, StatusCountInfo]>) {
    const v = s[name];
    if (v !== undefined) out[name] = v;
    else if (info.items === 'all') out[name] = 0;
  }
  return out as BatchCounts;
}
