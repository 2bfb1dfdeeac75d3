/**
 * The one retry decision of the client: which failed attempts are tried again, and how often.
 *
 * - A request that never reached the server (connection refused, host unreachable, connect
 *   timeout) is safe to resend, but a server that is not there rarely appears within seconds: it is
 *   tried {@link REFUSED_RETRIES} more times at most.
 * - A request that cannot succeed by retrying (unknown host, invalid URL, TLS certificate or
 *   protocol errors) fails at once.
 * - `429 Too Many Requests` means the server refused the request before handling it: always safe
 *   to resend, after its `Retry-After`.
 * - `500`, `502`, `504`, a `503` other than "Batch job api is not available", and a connection
 *   dropped after the request was sent are resent only for idempotent requests (reads, job
 *   creation, file PUTs). A non-idempotent request (a batch data upload) is never resent blindly:
 *   the caller asks the server what it has first (see the submit orchestrator).
 */

/** How a network failure happened, which decides whether resending is safe and useful. */
export type NetworkFailureKind =
  /** The request never reached the server: resending is safe. */
  | 'refused'
  /** Resending cannot help (DNS name unknown, bad URL, TLS). */
  | 'permanent'
  /** The connection broke after the request may have been received: the server may have acted on it. */
  | 'dropped';

/** Retries for connections refused (the server is down or not there yet). */
export const REFUSED_RETRIES = 2;

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'EADDRNOTAVAIL']);
const PERMANENT = new Set([
  'ENOTFOUND',
  'EAI_FAIL',
  'EAI_NONAME',
  'ERR_INVALID_URL',
  'ERR_INVALID_ARG_VALUE',
  'EPROTO',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The system error code of a fetch failure (undici nests it in `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  let e: unknown = error;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Classify a fetch failure. */
export function networkFailureKind(error: unknown): NetworkFailureKind {
  const code = networkErrorCode(error);
  if (code !== undefined && REFUSED.has(code)) return 'refused';
  if (code !== undefined && (PERMANENT.has(code) || code.startsWith('ERR_TLS_') || code.startsWith('ERR_SSL_'))) return 'permanent';
  if (error instanceof TypeError && /invalid url/i.test(error.message)) return 'permanent';
  return 'dropped';
}

/** A failed attempt, as the retry decision sees it. */
export type AttemptFailure =
  | { kind: 'status'; status: number; message: string }
  | { kind: 'network'; failure: NetworkFailureKind };

/** Statuses worth another attempt. */
export const RETRYABLE_STATUSES: ReadonlySet<number> = new Set([429, 500, 502, 503, 504]);

/** ThreatConnect's 503 when the batch API is switched off: permanent until an admin acts. */
const BATCH_DISABLED = /not available/i;

/**
 * Whether to try again after `attempt` (1 = the first request) failed.
 * @param retries the client's retry budget for retryable failures
 * @param idempotent whether the request may be resent when the server may have acted on it
 */
export function shouldRetry(failure: AttemptFailure, attempt: number, retries: number, idempotent: boolean): boolean {
  if (attempt > retries) return false;
  if (failure.kind === 'network') {
    if (failure.failure === 'permanent') return false;
    if (failure.failure === 'refused') return attempt <= REFUSED_RETRIES;
    return idempotent;
  }
  if (!RETRYABLE_STATUSES.has(failure.status)) return false;
  if (failure.status === 429) return true;
  if (failure.status === 503 && BATCH_DISABLED.test(failure.message)) return false;
  return idempotent;
}
