/**
 * Errors of the HTTP client and the submit flow. None of them carries a header, a signature, a
 * token or a secret key: only the method, the path (with its query) and what the server said.
 */
import { TcBatchError } from '../errors.js';
import { networkFailureKind, type NetworkFailureKind } from './retry.js';

/** The server answered with a non-2xx status (after retries, when the status is retryable). */
export class TcApiError extends TcBatchError {
  /** HTTP status. */
  readonly status: number;
  /** `message` or `description` of the TC answer, or its text (trimmed to 500 characters). */
  readonly tcMessage: string;
  readonly method: string;
  /** Path and query as sent, e.g. `/api/v2/batch/12`. */
  readonly path: string;
  constructor(args: { status: number; tcMessage: string; method: string; path: string }) {
    super('TCB_API_ERROR', `${args.method} ${args.path} answered ${args.status}: ${args.tcMessage}`);
    this.status = args.status;
    this.tcMessage = args.tcMessage;
    this.method = args.method;
    this.path = args.path;
  }
}

/** The request never got an answer (connection refused or dropped, unknown host, TLS), after retries. */
export class NetworkError extends TcBatchError {
  readonly method: string;
  readonly path: string;
  /**
   * `refused`: the request never reached the server; `permanent`: retrying cannot help (unknown
   * host, bad URL, TLS); `dropped`: the connection broke after the request may have been handled.
   */
  readonly failure: NetworkFailureKind;
  constructor(method: string, path: string, cause: unknown) {
    super('TCB_NETWORK_ERROR', `${method} ${path} failed: ${cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause)}`, { cause });
    this.method = method;
    this.path = path;
    this.failure = networkFailureKind(cause);
  }
}

/**
 * The server answered 2xx but the body is not what the endpoint returns (not JSON, or JSON of
 * another shape). The request was handled: it is never a reason to send it again.
 */
export class BadAnswerError extends TcBatchError {
  readonly status: number;
  readonly method: string;
  readonly path: string;
  constructor(args: { status: number; method: string; path: string; detail: string }) {
    super('TCB_BAD_ANSWER', `${args.method} ${args.path} answered ${args.status} with a body that is not the expected JSON: ${args.detail}`);
    this.status = args.status;
    this.method = args.method;
    this.path = args.path;
  }
}

/** Polling passed its deadline; `batchId` lets the caller poll again later. */
export class PollTimeoutError extends TcBatchError {
  readonly batchId: number;
  /** Seconds spent polling. */
  readonly waitedSeconds: number;
  /** The last status seen, if any. */
  readonly lastStatus: string | undefined;
  constructor(batchId: number, waitedSeconds: number, lastStatus: string | undefined) {
    super('TCB_POLL_TIMEOUT', `batch ${batchId} not Completed after ${waitedSeconds} s (last status ${lastStatus ?? 'unknown'})`);
    this.batchId = batchId;
    this.waitedSeconds = waitedSeconds;
    this.lastStatus = lastStatus;
  }
}

/** The caller's AbortSignal fired. */
export class AbortError extends TcBatchError {
  constructor(what: string, cause?: unknown) {
    super('TCB_ABORTED', `${what} aborted`, { cause });
  }
}

/** A client option is missing or invalid (no apiPath, no credentials, ...). */
export class ConfigError extends TcBatchError {
  constructor(message: string) {
    super('TCB_CONFIG', message);
  }
}
