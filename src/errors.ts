/**
 * Error classes of the tcbatch runtime. Every error class extends {@link TcBatchError} and has a
 * stable `code` from {@link ERROR_CODES}; bad input errors name the item (kind, type, xid or
 * summary), the field and the rule it broke. Partial failures of a submitted batch are data in the
 * result, never exceptions.
 */

/**
 * Every error code, with what it means. `TCB_*` codes come from the library, the CLI and the
 * importers; `TCE_*` codes from the emulator (`tcbatch/emulator`), whose HTTP answers they name.
 */
export const ERROR_CODE_INFO = {
  // bad input: builders, Batch, settings, validation
  TCB_INVALID_VALUE: 'a value broke a ThreatConnect rule (ValidationError)',
  TCB_INVALID_RATING: 'a rating is not a number from 0 to 5 (ValidationError)',
  TCB_INVALID_CONFIDENCE: 'a confidence is not an integer from 0 to 100 (ValidationError)',
  TCB_INVALID_BOOLEAN: 'a flag is not true or false (ValidationError)',
  TCB_INVALID_DATE: 'a date cannot be read (ValidationError)',
  TCB_INVALID_XID: 'an xid, or the parts it is derived from, cannot be used (ValidationError)',
  TCB_UNKNOWN_FIELD: 'a field name is not a field of the type (ValidationError)',
  TCB_INDICATOR_TYPES: 'custom indicator types cannot be used: a bad indicatorTypes answer or a name clash (IndicatorTypesError)',
  TCB_MISSING_PEER: 'an optional peer dependency the feature needs is not installed (MissingPeerError)',
  TCB_INVALID_SETTING: 'a batch job setting is missing or invalid (ValidationError)',
  TCB_INVALID_OPTION: 'an option of a Batch is invalid (ValidationError)',
  TCB_XID_CONFLICT: 'two items of different types share an xid (XidConflictError)',
  // the HTTP client
  TCB_API_ERROR: 'the server answered with a non-2xx status (TcApiError)',
  TCB_NETWORK_ERROR: 'a request got no answer (NetworkError)',
  TCB_BAD_ANSWER: 'a 2xx answer is not the JSON the endpoint returns (BadAnswerError)',
  TCB_POLL_TIMEOUT: 'a job was not Completed before the poll deadline (PollTimeoutError)',
  TCB_ABORTED: "the caller's AbortSignal fired (AbortError)",
  TCB_CONFIG: 'a client option is missing or invalid (ConfigError)',
  // submitting
  TCB_JOB_ERRORS: 'a job reported error records and the halt policy stopped the run (a result failure)',
  TCB_ERRORS_UNAVAILABLE: "a job's error records could not be read",
  TCB_FILE_CONTENT: 'Document/Report file content is missing or of the wrong kind',
  TCB_ACCOUNTING: 'the item states of a result do not add up: a bug in tcbatch (AccountingError)',
  TCB_JOURNAL_MISMATCH: 'a journal was written for other input or another job config (JournalError)',
  TCB_JOURNAL_LOCKED: 'a journal is in use by another process (JournalError)',
  TCB_JOURNAL_IO: 'a journal cannot be read or written (JournalError)',
  TCB_INTERNAL: 'an unexpected failure inside a submit run, reported as data',
  // importers and content files
  TCB_IMPORT_FILE: 'an input file cannot be read or parsed (ImportFileError)',
  TCB_UNSUPPORTED_FORMAT: 'the format of an input file is not one tcbatch reads (ImportFileError)',
  TCB_CONTENT_FILE: 'a batch content file cannot be read or parsed (ContentFileError)',
  TCB_JSON_SYNTAX: 'a text is not JSON (JsonSyntaxError)',
  TCB_MISP_JSON: 'a MISP input is not JSON (MispInputError)',
  TCB_MISP_FORMAT: 'a MISP input is not a MISP event (MispInputError)',
  TCB_OPENIOC_FORMAT: 'a file is not OpenIOC XML (OpenIocFormatError)',
  TCB_KEV_FORMAT: 'a file is not a CISA KEV catalogue (KevFormatError)',
  TCB_STIX_PATTERN: 'a STIX pattern does not parse (StixPatternSyntaxError)',
  // the CLI
  TCB_USAGE: 'a command was called wrongly (UsageError)',
  // the emulator (EmulatorHttpError unless noted)
  TCE_BAD_OPTIONS: 'bad emulator options (EmulatorOptionsError)',
  TCE_AUTH_SIGNATURE: 'HMAC signature mismatch (401)',
  TCE_AUTH_TIMERANGE: 'HMAC timestamp outside the accepted window (401)',
  TCE_AUTH_INVALIDTIMESTAMP: 'HMAC timestamp not a number (401)',
  TCE_AUTH_ACCESSDENIED: 'no or unknown credentials (401/403)',
  TCE_AUTH_UNAUTHORIZED: 'unknown or expired token (401)',
  TCE_NO_PERMISSION: 'the user may not write in the owner (401)',
  TCE_UNKNOWN_OWNER: 'the owner does not exist or is not visible to the user (403)',
  TCE_NOT_FOUND: 'no such resource (404)',
  TCE_NO_ERRORS: 'a completed job has no error records (404)',
  TCE_BAD_CONFIG: 'a batch job config is invalid (400)',
  TCE_BAD_FILTER: 'a results filter is invalid (400)',
  TCE_BAD_PAGE: 'a v3 page (resultStart/resultLimit) is invalid (400)',
  TCE_BAD_MULTIPART: 'a createAndUpload body misses a part or is not multipart (400)',
  TCE_NOT_MULTIPART: 'a createAndUpload body is not multipart/form-data (400)',
  TCE_MEDIA_TYPE: 'an upload is not application/octet-stream (415)',
  TCE_TOO_LARGE: 'a body is over the size limit (400)',
  TCE_ALREADY_UPLOADED: 'a job already has its data (400)',
  TCE_STILL_RUNNING: 'the errors of a job that is not Completed were asked (400)',
  TCE_FILE_EXISTS: 'a Document/Report already has content and updateIfExists is not true (401)',
  TCE_BATCH_UNAVAILABLE: 'the batch API is disabled (503)',
  TCE_FATAL_ITEM: 'an item failed the whole job (0x1003) while it was processed (FatalItemError)',
  TCE_HALTED: 'processing of a job stopped after a fatal error (internal)',
} as const satisfies Record<string, string>;

/** A stable error code: `TCB_INVALID_VALUE`, `TCB_API_ERROR`, `TCE_NOT_FOUND`, ... */
export type ErrorCode = keyof typeof ERROR_CODE_INFO;

/** Every {@link ErrorCode}, in the order of {@link ERROR_CODE_INFO}. */
export const ERROR_CODES: readonly ErrorCode[] = Object.freeze(Object.keys(ERROR_CODE_INFO) as ErrorCode[]);

/** Whether `v` is one of the {@link ERROR_CODES}. */
export function isErrorCode(v: unknown): v is ErrorCode {
  return typeof v === 'string' && Object.hasOwn(ERROR_CODE_INFO, v);
}

/** Base class of every tcbatch error: `code` is stable and machine-readable; `message` is for people. */
export class TcBatchError extends Error {
  /** Stable error code, e.g. `TCB_INVALID_VALUE`. */
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** Identifies the group or indicator an error is about. */
export interface ItemRef {
  kind: 'group' | 'indicator' | 'association';
  /** Wire type (`Address`, `Attack Pattern`). */
  type?: string;
  xid?: string;
  /** Indicator summary or group name. */
  summary?: string;
}

function describe(item: ItemRef | undefined): string {
  if (!item) return '';
  const id = item.xid ? ` xid ${safeJson(item.xid)}` : '';
  const s = item.summary !== undefined ? ` ${safeJson(item.summary)}` : '';
  return `${typeof item.type === 'string' ? item.type : item.type === undefined ? item.kind : safeJson(item.type)}${s}${id}`;
}

/**
 * A value broke a ThreatConnect rule (a bad IP, rating 7, an unknown Event status...).
 * Thrown by builders and by `Batch` when input is added; nothing is stored when it is thrown.
 */
export class ValidationError extends TcBatchError {
  /** The item, when known. */
  readonly item: ItemRef | undefined;
  /** API or wire name of the field (`rating`, `summary`, `eventDate`). */
  readonly field: string | undefined;
  /** The rule broken, with its source. */
  readonly rule: string;
  /** The offending value. */
  readonly value: unknown;
  /** JSON pointer of the value inside the item, when known. */
  readonly pointer: string | undefined;
  constructor(args: {
    item?: ItemRef;
    field?: string;
    rule: string;
    value?: unknown;
    pointer?: string;
    code?: ErrorCode;
  }) {
    const where = describe(args.item);
    const field = args.field ? ` ${args.field}` : '';
    const value = args.value === undefined ? '' : ` (got ${safeJson(args.value)})`;
    super(args.code ?? 'TCB_INVALID_VALUE', `${where}${field}: ${args.rule}${value}`.trim());
    this.item = args.item;
    this.field = args.field;
    this.rule = args.rule;
    this.value = args.value;
    this.pointer = args.pointer;
  }
}

/** Two items share an xid but have different types (ThreatConnect TcEx Batch module: first write wins only for one type). */
export class XidConflictError extends TcBatchError {
  readonly xid: string;
  readonly existingType: string;
  readonly type: string;
  constructor(xid: string, existingType: string, type: string) {
    super(
      'TCB_XID_CONFLICT',
      `xid ${safeJson(xid)} is already used by a ${printable(existingType)}; cannot add a ${printable(type)} with it`,
    );
    this.xid = xid;
    this.existingType = existingType;
    this.type = type;
  }
}

/** JSON text of `v` for messages, at most 200 characters; never throws. */
export function safeJson(v: unknown): string {
  try {
    const s = typeof v === 'function' ? '[function]' : JSON.stringify(v);
    return s === undefined ? printable(v) : s.length > 200 ? `${s.slice(0, 200)}...` : s;
  } catch {
    return printable(v);
  }
}

/** `String(v)` that never throws (BigInt, Symbol, objects without a prototype or with a broken `toString`). */
export function printable(v: unknown): string {
  try {
    return typeof v === 'bigint' ? `${v}n` : String(v);
  } catch {
    return Object.prototype.toString.call(v);
  }
}

/**
 * An optional peer dependency that a feature needs is not installed: better-sqlite3 for
 * `DiskStore` and the emulator's database, fastify and @fastify/multipart for the emulator
 * (`tcbatch/emulator`, `tcbatch serve`, `tcbatch demo`). Building and submitting batches with the
 * memory store needs none of them.
 */
export class MissingPeerError extends TcBatchError {
  /** The packages to install, e.g. `['better-sqlite3']`. */
  readonly packages: readonly string[];
  /** What needs them, e.g. `DiskStore`. */
  readonly feature: string;
  /** The command that installs them, e.g. `npm install better-sqlite3`. */
  readonly install: string;
  constructor(feature: string, packages: readonly string[], options?: { cause?: unknown }) {
    const install = `npm install ${packages.join(' ')}`;
    const list = packages.join(', ');
    super(
      'TCB_MISSING_PEER',
      `${feature} needs the optional peer ${packages.length > 1 ? 'dependencies' : 'dependency'} ${list}, which ${packages.length > 1 ? 'are' : 'is'} not installed: run \`${install}\``,
      options,
    );
    this.packages = packages;
    this.feature = feature;
    this.install = install;
  }
}

/**
 * Custom indicator types that cannot be used: a `GET /v2/types/indicatorTypes` answer that is not
 * one (no `data.indicatorType` array, a custom type without a value label), or a set whose types
 * clash with built-in types, with each other or with a member of `Batch`.
 */
export class IndicatorTypesError extends TcBatchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('TCB_INDICATOR_TYPES', message, options);
  }
}
