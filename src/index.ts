/**
 * tcbatch: the public API. Everything a user imports comes from here; nothing else is public.
 */
export * from '../generated/validators/index.js';
/**
 * The generated wire types (the JSON shapes of the schemas), all of them under one namespace:
 * `Wire.Attribute` is the attribute object of a batch file, `Wire.File` a File indicator,
 * `Wire.IndicatorTypeInfo` one entry of a `GET /v2/types/indicatorTypes` answer. The names that
 * are not also hand-written exports (`BatchStatus`, `BatchContent`, ...) are exported flat too;
 * where a name is both (`Attribute`, `SecurityLabel`, `FileOccurrence`, `IndicatorTypeInfo`), the
 * flat export is the hand-written one and the wire type is `Wire.<name>`.
 */
export type * as Wire from '../generated/types/index.js';
export type * from '../generated/types/index.js';
export { groupTypes, indicatorTypes, indicatorBaseFields, schemaHash, type GroupTypeName, type IndicatorTypeName } from '../generated/catalog.js';
export type {
  FieldInfo,
  FieldKind,
  GroupTypeInfo,
  IndicatorTypeInfo,
  TypeInfo,
  ValueInfo,
} from './model/catalog-types.js';
export { formatIssue, toIssues, runValidator } from './model/validation.js';
export type { ValidationIssue, ValidationResult, IssueItem, RawError, RawValidator } from './model/validation.js';
export { Batch, type BatchOptions, type BatchConstructor, type CustomTypeMembers, type NoCustomTypes } from './batch/batch.js';
export type { GroupInput, IndicatorInput } from './batch/core.js';
export {
  defineIndicatorTypes,
  type CustomIndicatorType,
  type CustomIndicatorTypes,
  type IndicatorTypeSet,
  type CustomBuilderMap,
  type CustomMethods,
  type ItemValidator,
} from './batch/types.js';
export { loadIndicatorTypes, customBuilderClass, type IndicatorTypesSource, type RuntimeBuilderClass } from './batch/load-types.js';
// takes precedence over the generated validateBatchContent of the `export *` above (same checks, plus custom types)
export { validateBatchContent, type ContentValidationOptions } from './batch/validate-content.js';
export { chunkStore, DEFAULT_LIMITS, type Chunk, type ChunkLimits, type InvalidItem } from './batch/chunker.js';
export { jobConfig, type JobSettings, type WireJobConfig } from './batch/settings.js';
export { MemoryStore, type BatchStore, type StoredItem, type FileUpload } from './batch/store.js';
export { splitSummary, type GroupBuilderClass, type IndicatorBuilderClass } from './batch/core.js';
export * from '../generated/builders/index.js';
export { Builder, GroupBuilder, IndicatorBuilder, type XidInput, type FileContent } from './model/builder.js';
export { Attribute, SecurityLabel, FileOccurrence } from './model/metadata.js';
export { parseBoolean, parseNumber, type RatingInput, type ConfidenceInput } from './model/values.js';
export { parseRating, parseConfidence } from './values.js';
export { generateXid, defaultXid, randomXid, pyFloat } from './model/xid.js';
export { toTcDate, type DateInput } from './model/dates.js';
export { TcBatchError, ValidationError, XidConflictError, MissingPeerError, IndicatorTypesError, ERROR_CODES, ERROR_CODE_INFO, isErrorCode, type ErrorCode, type ItemRef } from './errors.js';
export { TcClient, sleep, type TcClientOptions, type RetryOptions, type RetryEvent, type CallOptions, type ErrorsRead } from './client/client.js';
export { hmacHeaders, tokenHeaders } from './client/auth.js';
export { TcApiError, NetworkError, BadAnswerError, PollTimeoutError, AbortError, ConfigError } from './client/errors.js';
export { shouldRetry, networkFailureKind, REFUSED_RETRIES, RETRYABLE_STATUSES, type NetworkFailureKind, type AttemptFailure } from './client/retry.js';
export { submitBatch, type SubmitOptions, type SubmitResult, type SubmitTotals, type JobResult, type HaltPolicy } from './submit/submit.js';
export { hasErrors, chunkLookup, chunkHash, type ChunkState } from './submit/chunk-run.js';
export type { Submittable, SubmitChunk, SubmitFile, RejectedItem, KindCounts } from './submit/types.js';
export { FileLedger, MemoryLedger, JournalError, replayLedger, type Ledger, type LedgerEntry, type LedgerState, type ChunkRecord } from './submit/ledger.js';
export { AccountingError, KINDS, type ItemStates, type ItemKind, type StatesByKind } from './submit/accounting.js';
export { pollJob, pollSchedule, defaultFirstWait, JobPace, DEFAULT_POLL, TCEX_POLL, type PollOptions } from './submit/poll.js';
export { readErrors, parseErrorRecord, failureRecord, CRITICAL_REASONS, type SubmitErrorRecord, type ErrorItem, type ItemLookup, type ReadErrorsOptions } from './submit/errors.js';
export { uploadFiles, type FileResult, type UploadOptions } from './submit/files.js';
export type { ProgressEvent, BatchCounts } from './submit/events.js';
export { DiskStore, type DiskStoreOptions } from './batch/disk-store.js';
export { CompactStore, type CompactStoreOptions } from './batch/compact-store.js';
