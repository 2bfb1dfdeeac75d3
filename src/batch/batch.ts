/**
 * `Batch`: build a ThreatConnect batch with the three interfaces of TcEx's Module: Batch page (the typed per-type
 * methods come from `generated/builders`), then get its job settings and its content chunk by
 * chunk, or write the chunks to disk (the dry run).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BatchCore } from './core.js';
import { chunkStore, type Chunk, type ChunkLimits } from './chunker.js';
import { jobConfig, type JobSettings, type WireJobConfig } from './settings.js';
import { MemoryStore, type BatchStore, type FileUpload, type StoredItem } from './store.js';
import { DiskStore } from './disk-store.js';
import { CompactStore } from './compact-store.js';
import type { BatchStatus } from '../../generated/types/index.js';
import type { TcClient } from '../client/client.js';
import { ConfigError } from '../client/errors.js';
import { submitBatch, type SubmitOptions, type SubmitResult } from '../submit/submit.js';
import { chunkLookup, uploadDataSafely } from '../submit/chunk-run.js';
import { pollJob, type PollOptions } from '../submit/poll.js';
import { readErrors, type SubmitErrorRecord } from '../submit/errors.js';
import { uploadFiles, type FileResult } from '../submit/files.js';
import type { XidInput } from '../model/builder.js';
import type { ConfidenceInput, RatingInput } from '../model/values.js';
import type { CustomBuilderMap, CustomMethods, IndicatorTypeSet } from './types.js';

/** A set without custom types: the type of a `Batch` made without `types`. */
export type NoCustomTypes = IndicatorTypeSet<{}, {}>;

/** Options of a {@link Batch}: job settings, chunk limits, the store and custom indicator types. */
export interface BatchOptions<T extends IndicatorTypeSet = NoCustomTypes> extends JobSettings {
  /**
   * Custom indicator types of the instance, accepted besides the built-in ones: the `customTypes`
   * of a module written by `tcbatch codegen` (typed: `batch.bankAccount(...)` compiles), or the
   * set `loadIndicatorTypes` returns (Interfaces 2 and 3). Unknown types are still refused.
   */
  types?: T;
  /** Chunk limits (items, bytes, indicators per chunk). */
  limits?: ChunkLimits;
  /**
   * Where items live until chunked: a {@link BatchStore}, `'memory'` (the default: a
   * {@link CompactStore}, items packed into their JSON text once added) or `'disk'` (a
   * {@link DiskStore} in `storeDir`, for batches larger than memory).
   */
  store?: BatchStore | 'memory' | 'disk';
  /** With `store: 'disk'`: the directory of the database (default: a temporary directory). */
  storeDir?: string;
  /** The API client used by `submit()` and the option 2 steps. */
  client?: TcClient;
}

/** The implementation of {@link Batch}; use `Batch`. */
class BatchImpl extends BatchCore {
  /** Job settings; change them before submitting. */
  readonly options: JobSettings;
  /** Default chunk limits. */
  readonly limits: ChunkLimits;
  /** The API client, if given. */
  client: TcClient | undefined;
  #cursor: Iterator<Chunk> | undefined;
  readonly #sent = new Map<number, Chunk>();
  readonly #pendingFiles: Array<{ batchId: number; files: FileUpload[] }> = [];
  readonly #completed = new Set<number>();

  constructor(options: BatchOptions<IndicatorTypeSet> = {}) {
    const { limits, store, storeDir, client, types, ...settings } = options;
    super({ store: store === 'disk' ? new DiskStore({ dir: storeDir }) : store === 'memory' || store === undefined ? new CompactStore() : store, types });
    this.options = settings;
    this.limits = limits ?? {};
    this.client = client;
    this.addCustomMethods();
  }

  /**
   * The exact job config that will be sent (ThreatConnect V2 Batch API: batch job settings), e.g.
   * `{"action":"Create","attributeWriteType":"Replace","haltOnError":"true","owner":"MyOrg","playbookTriggersEnabled":"false","securityLabelWriteType":"Replace","tagWriteType":"Replace","version":"V2"}`.
   * The owner falls back to the client's (`TC_OWNER`).
   * @throws ValidationError when the owner is missing or a setting is outside its enum.
   */
  get settings(): WireJobConfig {
    return jobConfig({ ...this.options, owner: this.options.owner ?? this.client?.owner });
  }

  #client(): TcClient {
    if (!this.client) throw new ConfigError('this Batch has no client: new Batch({ client: new TcClient(...), owner })');
    return this.client;
  }

  /**
   * Option 1: send every chunk (up to `concurrency` jobs in flight), poll each job to Completed,
   * read errors, upload files; with `journal`, every step is recorded and a second run resumes.
   * Partial failures are in the result (`jobs[].state`, `failure`, `errors`, `files[].uploaded`,
   * `totals` with every item in exactly one state).
   * @throws ConfigError without a client; TcApiError / NetworkError when nothing could be sent
   *   (wrong credentials, unknown owner, no server); JournalError for a journal of other input.
   */
  submit(options: SubmitOptions = {}): Promise<SubmitResult> {
    return submitBatch(this, this.#client(), options);
  }

  /**
   * Option 2, step 1: create a batch job (`POST /v2/batch`) with this batch's settings.
   * @returns the batch id
   */
  submitJob(options: { signal?: AbortSignal } = {}): Promise<number> {
    return this.#client().createJob(this.settings, options);
  }

  /**
   * Option 2, step 2: upload the next chunk to the job `batchId` (`POST /v2/batch/{id}`). A lost
   * answer is never answered by a blind second upload: the job's status is asked, and the chunk
   * is sent again only while the job is still `Created`.
   * @returns the status the server answered, or undefined when every chunk was already sent
   * @throws TcApiError when the server refuses the data (e.g. 400, too large); NetworkError.
   */
  async submitData(batchId: number, options: { signal?: AbortSignal } = {}): Promise<BatchStatus | undefined> {
    this.#cursor ??= this.chunks()[Symbol.iterator]();
    const next = this.#cursor.next();
    if (next.done) return undefined;
    const chunk = next.value;
    this.#sent.set(batchId, chunk);
    const status = await uploadDataSafely(this.#client(), batchId, chunk.text, options);
    if (chunk.files.length > 0) this.#pendingFiles.push({ batchId, files: chunk.files });
    return status;
  }

  /**
   * Option 2, step 3: poll a job until Completed.
   * @returns the final status (`status.errorCount > 0` means `errors()` has records)
   * @throws PollTimeoutError carrying the batch id.
   */
  async poll(batchId: number, options: PollOptions = {}): Promise<BatchStatus> {
    const chunk = this.#sent.get(batchId);
    const status = await pollJob(this.#client(), batchId, options, chunk ? chunk.counts.group + chunk.counts.indicator : undefined);
    this.#completed.add(batchId);
    return status;
  }

  /** Option 2: the parsed error records of a completed job (empty when none). */
  errors(batchId: number, options: { signal?: AbortSignal } = {}): Promise<SubmitErrorRecord[]> {
    const chunk = this.#sent.get(batchId);
    return readErrors(this.#client(), batchId, { ...options, lookup: chunk ? chunkLookup(chunk) : undefined });
  }

  /**
   * Option 2, last step: upload the Document/Report files of the chunks whose jobs were polled to
   * Completed. Files of jobs not yet polled stay pending (their groups may not exist yet).
   */
  async submitFiles(options: { concurrency?: number; signal?: AbortSignal } = {}): Promise<FileResult[]> {
    const ready = this.#pendingFiles.filter((p) => this.#completed.has(p.batchId));
    const files = ready.flatMap((p) => p.files);
    for (const p of ready) this.#pendingFiles.splice(this.#pendingFiles.indexOf(p), 1);
    if (files.length === 0) return [];
    return uploadFiles(this.#client(), files, { owner: this.settings.owner!, ...options });
  }

  /**
   * Release the store's resources: a disk store closes its database (and removes the temporary
   * directory it made). The in-memory store needs nothing.
   */
  close(): void {
    (this.store as { close?: () => void }).close?.();
  }

  /**
   * The batch content, chunk by chunk (groups with their association chains, then indicators,
   * then associations). The batch is not emptied: iterating again gives the same chunks.
   * @param limits overrides of the batch's chunk limits
   * @throws ValidationError when an item breaks a rule of its type schema.
   */
  *chunks(limits: ChunkLimits = {}): Generator<Chunk> {
    const overrides = Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined));
    yield* chunkStore(this.store, { ...this.limits, ...overrides });
  }

  /**
   * Write every chunk as `batch-0001.json`, `batch-0002.json`, ... into `dir` (created if needed):
   * the dry run. File contents are not written.
   * @param limits overrides of the batch's chunk limits
   * @param onChunk called after each file is written, with its path (progress)
   * @returns the paths written, in chunk order.
   */
  write(dir: string, limits: ChunkLimits = {}, onChunk?: (path: string) => void): string[] {
    mkdirSync(dir, { recursive: true });
    const paths: string[] = [];
    for (const chunk of this.chunks(limits)) {
      const path = join(dir, `batch-${String(chunk.index + 1).padStart(4, '0')}.json`);
      writeFileSync(path, chunk.text);
      paths.push(path);
      onChunk?.(path);
    }
    return paths;
  }
}

/**
 * What a set of custom types adds to a {@link Batch}: its Interface 1 methods (`bankAccount(...)`,
 * from `tcbatch codegen`), and its type names in Interfaces 2 and 3.
 */
export type CustomTypeMembers<T extends IndicatorTypeSet> = CustomMethods<T> & {
  /** Interface 2 with a custom type of the batch gives its builder. */
  indicator<K extends keyof T['indicators'] & string>(type: K, summary: string, rating?: RatingInput, confidence?: ConfidenceInput, xid?: XidInput): CustomBuilderMap<T>[K];
  /** Interface 3 with a custom type of the batch. */
  addIndicator<I extends { readonly type: keyof T['indicators'] & string }>(indicator: I): StoredItem;
};

/**
 * A batch of groups, indicators and associations for one owner. With `types` (custom indicator
 * types), it has their members too ({@link CustomTypeMembers}).
 */
export type Batch<T extends IndicatorTypeSet = NoCustomTypes> = BatchImpl & CustomTypeMembers<T>;

/** The constructor of {@link Batch}. */
export interface BatchConstructor {
  /**
   * @param options job settings (owner, actions, write types), chunk limits, store, client and custom types
   * @throws IndicatorTypesError when a custom type's method name is a member of Batch
   */
  new <T extends IndicatorTypeSet = NoCustomTypes>(options?: BatchOptions<T>): Batch<T>;
  readonly prototype: Batch;
}

/**
 * A batch of groups, indicators and associations for one owner.
 *
 * ```ts
 * const batch = new Batch({ owner: 'MyOrg' });
 * const adversary = batch.adversary('adversary-001', 'my-xid-000');
 * adversary.attribute('Description', 'Example Description', true);
 * for (const chunk of batch.chunks()) console.log(chunk.text);
 * ```
 *
 * With the custom types of a module written by `tcbatch codegen`:
 *
 * ```ts
 * import { customTypes } from './tc-types/index.js';
 * const batch = new Batch({ owner: 'MyOrg', types: customTypes });
 * batch.bankAccount('123456', '021000021', 'Example Bank');
 * ```
 */
export const Batch: BatchConstructor = BatchImpl as unknown as BatchConstructor;

let members: ReadonlySet<string> | undefined;

/**
 * @internal The names of every member of a `Batch` (its methods, the built-in types' methods,
 * accessors and fields): a custom type's Interface 1 method may not take one.
 */
export function batchMemberNames(): ReadonlySet<string> {
  if (members) return members;
  const names = new Set<string>();
  for (let p: object | null = new BatchImpl({ store: new MemoryStore() }); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    for (const name of Object.getOwnPropertyNames(p)) names.add(name);
  }
  return (members = names);
}
