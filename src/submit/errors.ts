/**
 * Batch error records as data: read from `/results` when the server has it, else from the gzip
 * `/errors` array (tc-batch-api.md §3.5, §3.6), and parsed into {@link SubmitErrorRecord}s with the
 * TC code, the item the text names, and a `critical` flag for the job-fatal reasons (§7.3).
 */
import type { TcClient } from '../client/client.js';
import { sleep as realSleep } from '../client/client.js';

/** TC's job-fatal reasons (tc-batch-api.md §7.3; both tcex and the Java SDK stop on them). */
export const CRITICAL_REASONS = ['Encountered an unexpected Exception while processing batch job', 'would exceed the number of allowed indicators'] as const;

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
  batchId: number;
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
  const reason = String(raw.errorReason ?? raw.errorMessage ?? '');
  const source = (raw.errorSource ?? (raw.errorReason !== undefined ? raw.errorMessage : undefined)) as string | undefined;
  const code = typeof raw.code === 'string' ? raw.code : CODE.exec(reason)?.[1];
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

/**
 * Read the error records of a completed job: `/results` first, `/errors` when the server lacks it;
 * 404 means none; 400 (still running) is retried a few times.
 */
export async function readErrors(client: TcClient, batchId: number, options: ReadErrorsOptions = {}): Promise<SubmitErrorRecord[]> {
  const attempts = options.attempts ?? 5;
  const wait = options.sleep ?? realSleep;
  let useErrors = false;
  for (let i = 0; i < attempts; i++) {
    const read = useErrors ? await client.errors(batchId, options) : await client.results(batchId, {}, options);
    if (read.state === 'unsupported') {
      useErrors = true;
      i--;
      continue;
    }
    if (read.state === 'none') return [];
    if (read.state === 'ok') return read.records.map((r) => parseErrorRecord(batchId, r as Record<string, unknown>, options.lookup));
    await wait((options.retryWait ?? 2) * 1000, options.signal);
  }
  return [];
}
