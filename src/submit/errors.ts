/**
 * Batch error records as data: read from `/results` when the server has it, else from the gzip
 * `/errors` array (ThreatConnect V2 Batch API: "Batch job errors"), and parsed into
 * {@link SubmitErrorRecord}s with the TC code, the item the text names, and a `critical` flag for
 * the job-fatal reasons that TcEx and the Java SDK stop on.
 */
import type { TcClient } from '../client/client.js';
import { sleep as realSleep } from '../client/client.js';
import { TcBatchError, type ErrorCode } from '../errors.js';
import { criticalReasons } from '../../generated/catalog.js';

/**
 * TC's job-fatal reasons (both TcEx and the ThreatConnect Java SDK stop a run on them): the
 * schema's `x-tc-critical` of `batch/error-record.json`, through the catalogue.
 */
export const CRITICAL_REASONS: readonly string[] = criticalReasons;

/** The item an error is about, when its text names one of the items sent. */
export interface ErrorItem {
  kind: 'group' | 'indicator';
  type: string;
  xid: string;
  /** Indicator summary or group name. */
  summary: string;
}

/** One parsed error record. */
export interface SubmitErrorRecord {
  /** The job it came from (undefined for a client-side failure before a job existed). */
  batchId: number | undefined;
  /** `server`: a record of the job's `/results` or `/errors`; `client`: a failure of the run itself (transport, authentication, a poll deadline), so that an `if (errors.length)` check sees it. */
  origin: 'server' | 'client';
  /** `0x1005`, from the record's `code` or the `Error (0x1005):` prefix. */
  code: string | undefined;
  /** `Error`, `Warning`, ... (`Error` when the record has none). */
  severity: string;
  /** The record's `errorReason`. */
  reason: string;
  /** `errorSource` or `errorMessage`, when given. */
  source: string | undefined;
  item: ErrorItem | undefined;
  /** A job-fatal reason: the rest of the job was not processed. */
  critical: boolean;
}

/** Finds the item an error text names (by quoted summary/name, xid, or leading summary). */
export type ItemLookup = (token: string) => ErrorItem | undefined;

const CODE = /\((0x[0-9A-Fa-f]+)\)/;

/** Parse one raw `/errors` or `/results` record. */
export function parseErrorRecord(batchId: number, raw: Record<string, unknown>, lookup?: ItemLookup): SubmitErrorRecord {
  const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined || v === null ? undefined : String(v));
  const recordCode = str(raw.code);
  // `/results` records put the message in errorMessage and the cause in errorReason; `/errors`
  // records put the message in errorReason and an optional errorSource
  const fromResults = recordCode !== undefined && raw.errorMessage !== undefined;
  const message = (fromResults ? str(raw.errorMessage) : (str(raw.errorReason) ?? str(raw.errorMessage))) ?? '';
  const reason = fromResults && !message.startsWith('Error (') ? `Error (${recordCode}): ${message}` : message;
  const cause = fromResults ? str(raw.errorReason) : (str(raw.errorSource) ?? (raw.errorReason !== undefined ? str(raw.errorMessage) : undefined));
  const source = cause !== undefined && cause !== message && cause !== reason ? cause : undefined;
  const code = recordCode ?? CODE.exec(reason)?.[1];
  let item: ErrorItem | undefined;
  if (lookup) {
    const text = `${reason} ${source ?? ''}`;
    const tokens = [...text.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
    const lead = /^Error \(0x[0-9A-Fa-f]+\): (\S+) is not valid/.exec(reason)?.[1];
    if (lead) tokens.unshift(lead);
    for (const t of tokens) {
      item = lookup(t);
      if (item) break;
    }
  }
  return {
    batchId,
    origin: 'server',
    code,
    severity: typeof raw.severity === 'string' ? raw.severity : 'Error',
    reason,
    source,
    item,
    critical: CRITICAL_REASONS.some((c) => reason.includes(c) || (source ?? '').includes(c)),
  };
}

/** How to read errors. */
export interface ReadErrorsOptions {
  signal?: AbortSignal;
  /** Attempts while the server still says "Running" (400). Default 5. */
  attempts?: number;
  /** Seconds between those attempts. Default 2. */
  retryWait?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  lookup?: ItemLookup;
}

/** A failure of the run as an error record (origin `client`, code = the TcBatchError code). */
export function failureRecord(failure: { code: ErrorCode; message: string; batchId?: number }, critical: boolean): SubmitErrorRecord {
  return { batchId: failure.batchId, origin: 'client', code: failure.code, severity: 'Error', reason: failure.message, source: undefined, item: undefined, critical };
}

/**
 * Read the error records of a completed job: `/results` first; `/errors` (gzip) when `/results`
 * answers 404 (servers without it answer so too), 405/501, or fails; 404 on `/errors` means none;
 * 400 (still running) is asked again a few times.
 * @throws TcApiError / NetworkError / BadAnswerError when neither endpoint can be read.
 */
export async function readErrors(client: TcClient, batchId: number, options: ReadErrorsOptions = {}): Promise<SubmitErrorRecord[]> {
  const attempts = options.attempts ?? 5;
  const wait = options.sleep ?? realSleep;
  const parse = (records: unknown[]) => records.map((r) => parseErrorRecord(batchId, (r ?? {}) as Record<string, unknown>, options.lookup));
  let useErrors = false;
  for (let i = 0; i < attempts; i++) {
    if (!useErrors) {
      let read: Awaited<ReturnType<TcClient['results']>> | undefined;
      try {
        read = await client.results(batchId, {}, options);
      } catch (e) {
        if ((e as { code?: string }).code === 'TCB_ABORTED') throw e;
        read = undefined;
      }
      if (read?.state === 'ok') return parse(read.records);
      if (read?.state !== 'running') {
        useErrors = true;
        i--;
        continue;
      }
    } else {
      const read = await client.errors(batchId, options);
      if (read.state === 'none') return [];
      if (read.state === 'ok') return parse(read.records);
    }
    await wait((options.retryWait ?? 2) * 1000, options.signal);
  }
  throw new TcBatchError('TCB_ERRORS_UNAVAILABLE', `the error records of batch ${batchId} were still not available after ${attempts} attempts`);
}
