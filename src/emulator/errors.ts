/**
 * Error classes of the emulator. Each has a stable string `code` (like every tcbatch error) and,
 * when it ends an HTTP request, the status and body the emulator answers with.
 */
import { TcBatchError, type ErrorCode } from '../errors.js';

/**
 * A request the emulator refuses. `status` is the HTTP status; `body` is the exact JSON body sent
 * (ThreatConnect's v2 failure envelope `{"status":"Failure","message":...}` unless a rule of
 * ThreatConnect's V2 Batch API page says otherwise).
 */
export class EmulatorHttpError extends TcBatchError {
  /** HTTP status code of the answer. */
  readonly status: number;
  /** JSON body of the answer. */
  readonly body: Record<string, unknown>;
  /** Extra response headers (e.g. `Retry-After`). */
  readonly headers: Record<string, string>;
  /** When set, the answer is this plain text (`text/plain`) instead of `body`. */
  readonly text: string | undefined;
  constructor(code: ErrorCode, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}, text?: string) {
    super(code, `${status} ${text ?? JSON.stringify(body)}`);
    this.status = status;
    this.body = body;
    this.headers = headers;
    this.text = text;
  }
}

/**
 * A parenthesised citation of a rule's source, as schema rule texts carry them: a documentation page
 * (`(ThreatConnect V2 Batch API: limits)`, `(ThreatConnect REST API: indicator types)`,
 * `(ThreatConnect TcEx Batch module)`), a section of this README, or a `.md` file name.
 */
const NOTE_REFERENCE = /\s*\([^()]*(?:\b[\w-]+\.md\b|\bThreatConnect (?:V2 Batch API|REST API|TcEx Batch module)\b|\bREADME:)[^()]*\)/g;

/**
 * Text as a ThreatConnect server would send it: the source citations of rule texts (which name
 * the documentation page a rule comes from) are removed.
 */
export function publicText(text: string): string {
  return text.replace(NOTE_REFERENCE, '');
}

/**
 * A plain-text answer, as ThreatConnect sends for a missing permission (401) or a disabled batch
 * API (503) on its V2 Batch API page.
 */
export function plainText(code: ErrorCode, status: number, text: string): EmulatorHttpError {
  return new EmulatorHttpError(code, status, {}, {}, publicText(text));
}

/**
 * A v2 failure: `{"status":"Failure","message":<message>}` (ThreatConnect API docs, Overview).
 *
 * @param code stable code, e.g. `TCE_NOT_FOUND`
 * @param status HTTP status
 * @param message the `message` text
 */
export function v2Failure(code: ErrorCode, status: number, message: string): EmulatorHttpError {
  return new EmulatorHttpError(code, status, { status: 'Failure', message: publicText(message) });
}

/**
 * The batch endpoints' "Invalid" shape: `{"status":"Invalid","description":<text>}` with status 400
 * (ThreatConnect's V2 Batch API page).
 */
export function v2Invalid(code: ErrorCode, description: string): EmulatorHttpError {
  return new EmulatorHttpError(code, 400, { status: 'Invalid', description: publicText(description) });
}

/** A v3 error: `{"message":<text>,"status":"Error"}` (ThreatConnect API docs, Overview). */
export function v3Error(code: ErrorCode, status: number, message: string): EmulatorHttpError {
  return new EmulatorHttpError(code, status, { message: publicText(message), status: 'Error' });
}

/** The captured v2 "not found" answer (ThreatConnect API docs, Overview). */
export const NOT_FOUND_MESSAGE = 'The requested resource was not found';

/** Bad emulator options (thrown by `startEmulator` before anything listens). */
export class EmulatorOptionsError extends TcBatchError {
  constructor(message: string) {
    super('TCE_BAD_OPTIONS', message);
  }
}
