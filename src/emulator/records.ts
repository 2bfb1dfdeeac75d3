/**
 * Error records with ThreatConnect's codes and wording (ThreatConnect's V2 Batch API page): `errorReason` reads
 * `Error (0xNNNN): <text>` and names the item's summary, name or xid so that clients (tcex's
 * validator, ThreatConnect's V2 Batch API page) can find the failed item in it.
 */
import { criticalReasons } from '../../generated/catalog.js';
import { publicText } from './errors.js';
import type { ErrorRecord } from './store.js';

/** Codes of ThreatConnect's V2 Batch API page that the emulator emits. */
export const CODES = {
  jsonSyntax: '0x1003',
  invalidIndicator: '0x1005',
  invalidGroup: '0x1006',
  notFound: '0x1007',
  indicatorLimit: '0x1008',
  association: '0x1009',
} as const;

/** Fragment every client treats as job-fatal (`x-tc-critical` of the error record schema; ThreatConnect V2 Batch API: batch job errors). */
export const UNEXPECTED_EXCEPTION: string = criticalReasons[0];
/** Fragment every client treats as job-fatal (`x-tc-critical` of the error record schema). */
export const EXCEEDS_LIMIT: string = criticalReasons[1];

/**
 * Build a record: `errorReason` = `Error (<code>): <message>` (plus the cause when it is an
 * exception text); `/results` shows the cause as its `errorReason` and the message as `errorMessage`.
 *
 * @param cause what went wrong in a few words or the exception text; default: the message
 * @param causeInReason append the cause to the `/errors` reason (exception texts)
 */
export function record(code: string, text: string, source?: string, causeText?: string, causeInReason = false): ErrorRecord {
  const message = publicText(text);
  const cause = causeText === undefined ? undefined : publicText(causeText);
  const reason = causeInReason && cause ? `${message} ${cause}` : message;
  const r: ErrorRecord = { code, severity: 'Error', errorReason: `Error (${code}): ${reason}`, errorMessage: message, cause: cause ?? message };
  if (source !== undefined) r.errorSource = source;
  return r;
}

/**
 * 0x1003 for content that is not valid JSON or has a value of the wrong JSON shape
 * (ThreatConnect's V2 Batch API page).
 *
 * @param detail the parser's complaint (Java-style, e.g. `com.google.gson.JsonSyntaxException: ...`)
 * @param path JSON path and last processed item, when known: `'$.group[6]': Last processed group[6] '<xid>'`
 */
export function jsonSyntax(detail: string, path?: string): ErrorRecord {
  const where = path ? ` Last known JSON path: ${path}.` : '';
  return record(CODES.jsonSyntax, `${UNEXPECTED_EXCEPTION}.${where}`, undefined, `com.google.gson.JsonSyntaxException: ${detail}`, true);
}

/**
 * 0x1005: `<summary> is not valid. The indicator '<summary>' could not be processed as a valid <type>
 * due to missing or invalid data (<why>).` (ThreatConnect's V2 Batch API page).
 */
export function invalidIndicator(summary: string, type: string, why: string): ErrorRecord {
  return record(
    CODES.invalidIndicator,
    `${summary} is not valid. The indicator '${summary}' could not be processed as a valid ${type} due to missing or invalid data (${why}).`,
    `${summary} is not valid.`,
    why,
  );
}

/** 0x1006: the group equivalent of {@link invalidIndicator}, naming name and xid. */
export function invalidGroup(name: string, xid: string, type: string, why: string): ErrorRecord {
  return record(
    CODES.invalidGroup,
    `${name} is not valid. The group '${name}' (xid '${xid}') could not be processed as a valid ${type} due to missing or invalid data (${why}).`,
    `${name} is not valid.`,
    why,
  );
}

/** 0x1007: a Delete matched nothing in the owner. */
export function notFound(kind: 'group' | 'indicator', what: string, owner: string): ErrorRecord {
  return record(CODES.notFound, `The ${kind} '${what}' was not found in owner '${owner}'.`, `${what} was not found.`);
}

/** 0x1008: indicators past the job limit (ThreatConnect's V2 Batch API page). */
export function indicatorLimit(total: number, limit: number): ErrorRecord {
  return record(
    CODES.indicatorLimit,
    `The batch job contains ${total} indicators, which ${EXCEEDS_LIMIT} (${limit}); the ${total - limit} indicators after indicator[${limit - 1}] were not processed.`,
  );
}

/** 0x1009: an association whose other end is not in the file or the owner (ThreatConnect's V2 Batch API page). */
export function association(from: string, to: string, why: string): ErrorRecord {
  return record(CODES.association, `The association between '${from}' and '${to}' could not be created: ${why}.`, `${from} is not valid.`, why);
}

/**
 * 0x1004 for a job the server was processing when it stopped unexpectedly: the job is completed
 * with this record instead of being processed again on the next start.
 */
export function interrupted(): ErrorRecord {
  return record('0x1004', `${UNEXPECTED_EXCEPTION}. Processing was interrupted because the server stopped; the job was not processed again.`);
}
