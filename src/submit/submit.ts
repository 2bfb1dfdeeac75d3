/**
 * The submit orchestrator (Option 1 of TcEx's Module: Batch page): every chunk of a batch goes to ThreatConnect as
 * its own batch job, up to `concurrency` jobs in flight (chunk k+1 uploads while chunk k is
 * processed), each through {@link runChunk}; the ledger (a journal file, or memory) records every
 * step so that a run killed at any point resumes without sending anything twice. One typed result
 * comes back; partial failures are data in it, and every item is in exactly one state
 * (`accounting.ts`).
 *
 * Halting is one policy: `haltOnError` is the server setting (in the job config); `halt` here
 * decides whether the run goes on after a chunk that failed.
 */
import type { TcClient } from '../client/client.js';
import { sleep as realSleep } from '../client/client.js';
import { TcApiError, NetworkError } from '../client/errors.js';
import type { ErrorCode } from '../errors.js';
import { AccountingError, addStates, checkIdentity, chunkIn, KINDS, noItems, noItemsByKind, type ItemStates } from './accounting.js';
import { chunkHash, failureCause, runChunk, type ChunkContext, type JobResult } from './chunk-run.js';
import { failureRecord, type SubmitErrorRecord } from './errors.js';
import type { ProgressEvent } from './events.js';
import type { FileResult } from './files.js';
import { FileLedger, JournalError, MemoryLedger, replayLedger, type Ledger, type LedgerState } from './ledger.js';
import { JobPace, type PollOptions } from './poll.js';
import type { RejectedItem, SubmitChunk, Submittable } from './types.js';

/** When the run stops early (client side; the server's own `haltOnError` is a job setting). */
export type HaltPolicy = 'never' | 'on-critical' | 'on-error';

/** Options of `batch.submit()`. */
export interface SubmitOptions {
  /** Poll each job to Completed (default true); an object sets the schedule (see {@link PollOptions}). */
  poll?: boolean | PollOptions;
  /** Read error records when a job reports errors (default true). */
  errors?: boolean;
  /** Upload Document/Report files after their job completed (default true; never for Delete). */
  files?: boolean | { concurrency?: number };
  /**
   * Stop sending after a chunk that failed: `on-critical` (default: a transport, authentication or
   * server failure, or a job-fatal error record), `on-error` (also any error record), `never`.
   */
  halt?: HaltPolicy;
  /**
   * Jobs in flight at once (default 2): chunk k+1 is uploaded while chunk k is processed. A chunk
   * whose items reference groups of a chunk still in flight waits for that chunk.
   */
  concurrency?: number;
  /**
   * The ledger: a journal file path (append-only JSON lines, fsync'ed at every step) or a
   * {@link Ledger}. Running the same submit again with the same journal resumes it: Completed chunks
   * are not sent again, chunks with a job are asked by batch id, files not yet uploaded are uploaded.
   */
  journal?: string | Ledger;
  /** Items the caller refused before they reached the batch (the CLI's import rejects), counted as `rejected`. */
  rejected?: Partial<Record<'groups' | 'indicators' | 'associations', number>>;
  /** Stops the run: no new chunk is sent, the result so far is returned (`halted`, failure `TCB_ABORTED`). */
  signal?: AbortSignal;
  onProgress?: (event: ProgressEvent) => void;
}

/** Totals of a submit: every item of the batch in exactly one state, by kind and summed. */
export interface SubmitTotals extends ItemStates {
  chunks: number;
  /** Items sent to the server (in chunks that got a job with data, or may have). */
  sent: { groups: number; indicators: number; associations: number };
  groups: ItemStates;
  indicators: ItemStates;
  associations: ItemStates;
}

/** Result of `batch.submit()`. */
export interface SubmitResult {
  jobs: JobResult[];
  /** Every error record of every job, and the run's own failure as a record of origin `client`. */
  errors: SubmitErrorRecord[];
  files: FileResult[];
  totals: SubmitTotals;
  /** Items the batch refused while chunking (a rule broken after they were added). */
  rejected: RejectedItem[];
  /** The run stopped before its last chunk (failure, halt policy, or the signal). */
  halted: boolean;
  haltReason?: string;
  /** The failure that halted the run. */
  failure?: { code: ErrorCode; message: string; chunk?: number; batchId?: number; status?: number };
  /** Chunks taken up from the journal of an earlier run. */
  resumed: number;
}

export type { JobResult };

function sameConfig(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (a[k] !== b[k]) return false;
  return true;
}

/**
 * Compare the batch's chunks with a journal before anything is sent.
 * @throws JournalError `TCB_JOURNAL_MISMATCH` naming the first chunk that differs.
 */
function verifyJournal(batch: Submittable, state: LedgerState, path: string | undefined): void {
  const where = path ? ` ${path}` : '';
  let index = 0;
  for (const chunk of batch.chunks({ onInvalid: () => {} })) {
    const rec = state.chunks.get(chunk.index);
    if (rec && rec.sha256 !== chunkHash(chunk.text)) {
      throw new JournalError('TCB_JOURNAL_MISMATCH', `the journal${where} was written for other input: chunk ${chunk.index + 1} differs (journal ${rec.counts.group} groups, ${rec.counts.indicator} indicators, ${rec.counts.association} associations; now ${chunk.counts.group}, ${chunk.counts.indicator}, ${chunk.counts.association}). Items with random xids change every run; use another journal for other input.`, path);
    }
    index = chunk.index + 1;
  }
  const recorded = state.built ?? Math.max(-1, ...state.chunks.keys()) + 1;
  if (recorded > index || (state.built !== undefined && state.built !== index)) {
    const which = recorded > index ? `chunk ${index + 1} is missing` : `chunk ${recorded + 1} is new`;
    throw new JournalError('TCB_JOURNAL_MISMATCH', `the journal${where} was written for other input: it has ${recorded} chunks, the batch has ${index} (${which})`, path);
  }
}

/** Chunks in flight, by index, with the group xids they hold. */
interface InFlight {
  promise: Promise<void>;
  groups: ReadonlySet<string>;
  hasGroups: boolean;
}

/** The in-flight chunks that `chunk` must wait for. */
function dependencies(chunk: SubmitChunk, inFlight: ReadonlyMap<number, InFlight>): Promise<void>[] {
  const waits: Promise<void>[] = [];
  const everything = chunk.counts.association > 0; // association entries may name anything sent before
  const refs = chunk.groupRefs;
  for (const f of inFlight.values()) {
    if (!f.hasGroups && !everything) continue;
    if (everything || chunk.counts.indicator > 0 || refs === undefined || refs.some((x) => f.groups.has(x))) waits.push(f.promise);
  }
  return waits;
}

/** Whether a finished chunk stops the run under `halt`. */
function haltsRun(job: JobResult, halt: HaltPolicy): string | undefined {
  if (halt === 'never') return undefined;
  if (job.state !== 'completed' && job.failure && job.failure.code !== 'TCB_POLL_TIMEOUT' && job.failure.code !== 'TCB_ABORTED') return `chunk ${job.chunk + 1}: ${job.failure.message}`;
  const critical = job.errors.find((e) => e.critical && e.origin === 'server');
  if (critical) return `chunk ${job.chunk + 1}: ${critical.reason}`;
  if (halt === 'on-error' && job.errors.length > 0) return `chunk ${job.chunk + 1}: ${job.errors.length} error records`;
  return undefined;
}

/**
 * Submit every chunk of `batch` and return one aggregated result.
 * @throws TcApiError / NetworkError when the run could not start: the first request failed (401/403,
 *   an unknown owner, a dead or unknown server) and nothing was sent. JournalError when the journal
 *   belongs to other input or is in use. AccountingError if the item states do not add up (a bug).
 */
export async function submitBatch(batch: Submittable, client: TcClient, options: SubmitOptions = {}): Promise<SubmitResult> {
  const settings = batch.settings;
  const path = typeof options.journal === 'string' ? options.journal : undefined;
  const ledger: Ledger = typeof options.journal === 'string' ? FileLedger.open(options.journal) : (options.journal ?? new MemoryLedger());
  try {
    const state = replayLedger(await ledger.read());
    if (state.config && !sameConfig(state.config, settings)) {
      throw new JournalError('TCB_JOURNAL_MISMATCH', `the journal${path ? ` ${path}` : ''} was written for another job config (${JSON.stringify(state.config)}), not ${JSON.stringify(settings)}`, path);
    }
    if (state.chunks.size > 0) verifyJournal(batch, state, path);
    await ledger.append({ t: 'run', v: 1, config: settings, at: new Date().toISOString() });
    return await run(batch, client, options, ledger, state);
  } finally {
    await ledger.close();
  }
}

async function run(batch: Submittable, client: TcClient, options: SubmitOptions, ledger: Ledger, state: LedgerState): Promise<SubmitResult> {
  const settings = batch.settings;
  const emit = options.onProgress ?? (() => {});
  const userPoll = typeof options.poll === 'object' ? options.poll : {};
  const sleep = userPoll.sleep ?? realSleep;
  const halt = options.halt ?? 'on-critical';
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? 2));
  const ctx: ChunkContext = {
    client,
    settings,
    ledger,
    poll: options.poll === false ? undefined : { pace: new JobPace(), ...userPoll, signal: options.signal, onProgress: emit },
    readErrors: options.errors !== false,
    files: { enabled: options.files !== false && settings.action !== 'Delete', concurrency: typeof options.files === 'object' ? options.files.concurrency : undefined },
    signal: options.signal,
    emit,
    sleep,
    uploadAttempts: 3,
  };
  const jobs: JobResult[] = [];
  const rejected: RejectedItem[] = [];
  const inFlight = new Map<number, InFlight>();
  let haltReason: string | undefined;
  let failure: SubmitResult['failure'];
  let firstError: unknown;
  const stopped = () => haltReason !== undefined || options.signal?.aborted === true;
  const finish = (job: JobResult) => {
    jobs.push(job);
    if (haltReason !== undefined) return;
    const reason = haltsRun(job, halt);
    if (reason !== undefined) {
      haltReason = reason;
      failure = job.failure ? { ...job.failure, chunk: job.chunk } : { code: 'TCB_JOB_ERRORS', message: reason, chunk: job.chunk, ...(job.batchId !== undefined ? { batchId: job.batchId } : {}) };
      emit({ type: 'halted', reason });
    }
  };
  const notSent = (chunk: SubmitChunk): JobResult => ({ chunk: chunk.index, batchId: undefined, state: 'notSent', resumed: false, status: undefined, settings, sent: { groups: chunk.counts.group, indicators: chunk.counts.indicator, associations: chunk.counts.association }, items: chunkIn('notSent', chunk.counts), errors: [], files: chunk.files.map((f) => ({ xid: f.xid, type: f.type, fileName: f.fileName, uploaded: false, error: 'not sent: the run stopped first' })) });

  const stopRetryEvents = client.onRetry(emit);
  try {
    for (const chunk of batch.chunks({ onInvalid: (r) => rejected.push(r) })) {
      if (stopped()) break;
      const rec = state.chunks.get(chunk.index);
      emit({ type: 'chunk-built', chunk: chunk.index, groups: chunk.counts.group, indicators: chunk.counts.indicator, associations: chunk.counts.association, bytes: chunk.bytes });
      if (!rec) await ledger.append({ t: 'chunk', chunk: chunk.index, sha256: chunkHash(chunk.text), counts: chunk.counts, files: chunk.files.length });
      while (inFlight.size >= concurrency) await Promise.race([...inFlight.values()].map((f) => f.promise));
      await Promise.all(dependencies(chunk, inFlight));
      if (stopped()) {
        finish(notSent(chunk));
        break;
      }
      const promise = runChunk(ctx, chunk, rec).then(
        (job) => {
          inFlight.delete(chunk.index);
          finish(job);
        },
        (e: unknown) => {
          inFlight.delete(chunk.index);
          firstError ??= e;
          haltReason ??= `chunk ${chunk.index + 1}: ${(e as Error).message}`;
        },
      );
      inFlight.set(chunk.index, { promise, groups: new Set(chunk.xids.group), hasGroups: chunk.counts.group > 0 });
    }
    await Promise.all([...inFlight.values()].map((f) => f.promise));
    if (!stopped() && state.built === undefined) await ledger.append({ t: 'built', chunks: jobs.length });
  } finally {
    stopRetryEvents();
  }
  if (firstError !== undefined) throw firstError;
  if (options.signal?.aborted && haltReason === undefined) {
    haltReason = `stopped: ${String((options.signal.reason as Error | undefined)?.message ?? options.signal.reason ?? 'aborted')}`;
    failure = { code: 'TCB_ABORTED', message: haltReason };
  }
  jobs.sort((a, b) => a.chunk - b.chunk);
  const result = assemble(batch, options, jobs, rejected, haltReason, failure);
  // could not start: nothing reached the server, and the first failure says why
  if (failure && failure.code !== 'TCB_ABORTED' && jobs.every((j) => j.state === 'notSent')) {
    const cause = failureCause(jobs.find((j) => j.failure)!);
    if (cause instanceof TcApiError || cause instanceof NetworkError) throw cause;
  }
  return result;
}

/** Totals, the identity check, and the result. */
function assemble(batch: Submittable, options: SubmitOptions, jobs: JobResult[], rejected: RejectedItem[], haltReason: string | undefined, failure: SubmitResult['failure']): SubmitResult {
  const byKind = noItemsByKind();
  const sent = { groups: 0, indicators: 0, associations: 0 };
  for (const job of jobs) {
    for (const k of KINDS) addStates(byKind[k], job.items[k]);
    if (job.state !== 'notSent') for (const k of KINDS) sent[k] += job.sent[k];
  }
  const counts = batch.counts;
  const pre = options.rejected ?? {};
  const chunkRejected = { groups: 0, indicators: 0, associations: 0 };
  for (const r of rejected) chunkRejected[`${r.kind}s` as 'groups' | 'indicators' | 'associations']++;
  for (const k of KINDS) {
    const s = byKind[k];
    const unbuilt = counts[k] - s.total - chunkRejected[k];
    // every item of the batch is in a built chunk, rejected, or (after a halt) in a chunk never built
    if (unbuilt < 0 || (haltReason === undefined && unbuilt !== 0)) throw new AccountingError(k, { ...s, total: counts[k] - chunkRejected[k] });
    s.notSent += unbuilt;
    s.rejected = chunkRejected[k] + (pre[k] ?? 0);
    s.total = counts[k] + (pre[k] ?? 0);
  }
  checkIdentity(byKind);
  const all = noItems();
  for (const k of KINDS) addStates(all, byKind[k]);
  const errors = jobs.flatMap((j) => j.errors);
  if (failure && !errors.some((e) => e.origin === 'client' && e.reason === failure.message)) errors.push(failureRecord(failure, true));
  return {
    jobs,
    errors,
    files: jobs.flatMap((j) => j.files),
    totals: { chunks: jobs.length, sent, ...all, groups: byKind.groups, indicators: byKind.indicators, associations: byKind.associations },
    rejected,
    halted: haltReason !== undefined,
    ...(haltReason !== undefined ? { haltReason } : {}),
    ...(failure ? { failure } : {}),
    resumed: jobs.filter((j) => j.resumed).length,
  };
}
