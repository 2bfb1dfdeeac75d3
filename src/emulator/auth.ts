/**
 * Request authentication exactly as ThreatConnect does it (ThreatConnect API docs, Authentication): HMAC over the raw
 * request target, or a TC-Token. Pure functions: no I/O, no logging (the secret never leaves here).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { v2Failure, type EmulatorHttpError } from './errors.js';
import type { HmacCredential, TokenCredential } from './options.js';

/** Allowed distance between the `Timestamp` header and server time, in seconds (ThreatConnect API docs, Authentication). */
export const TIMESTAMP_WINDOW_SECONDS = 300;

/** Failure messages of ThreatConnect API docs, Authentication. */
export const AUTH_MESSAGES = {
  signature: 'Signature data did not match expected result',
  timeRange: 'Timestamp out of acceptable time range',
  invalidTimestamp: 'Invalid timestamp',
  accessDenied: 'Access Denied',
  unauthorized: 'Unauthorized',
} as const;

/** What the request carries. Header values as received; `target` is the raw `path?query` (with `/api`). */
export interface AuthRequest {
  method: string;
  target: string;
  authorization: string | undefined;
  timestamp: string | undefined;
}

/** Accepted credentials and the server clock (epoch milliseconds). */
export interface AuthConfig {
  credentials: ReadonlyArray<HmacCredential & { user?: string }>;
  tokens: ReadonlyArray<Required<TokenCredential> & { user?: string }>;
  now: () => number;
}

/** Who made the request: the credential kind and the user it belongs to (`''` when not given). */
export type Principal = ({ kind: 'hmac'; accessId: string } | { kind: 'token' }) & { user: string };

/**
 * The signature a client must send (ThreatConnect API docs, Authentication):
 * `base64(HMAC-SHA256(secretKey, "<path?query>:<METHOD>:<timestamp>"))`.
 *
 * @param secretKey the secret (UTF-8)
 * @param target raw `path?query` as sent, including `/api`
 * @param method HTTP method (upper-cased here)
 * @param timestamp the `Timestamp` header text (epoch seconds)
 */
export function expectedSignature(secretKey: string, target: string, method: string, timestamp: string): string {
  return createHmac('sha256', secretKey).update(`${target}:${method.toUpperCase()}:${timestamp}`, 'utf8').digest('base64');
}

/** Constant-time string equality (both sides hashed first, so lengths never leak). */
function sameText(a: string, b: string): boolean {
  const ha = createHash('sha256').update(a, 'utf8').digest();
  const hb = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

/**
 * Check a request's credentials.
 *
 * Outcomes (ThreatConnect API docs, Authentication): no or unparseable `Authorization` -> 403 "Access Denied"
 * (no supported authentication ⇒ 403, as the Quick Start says); unknown access id -> 401 "Access Denied"; missing or
 * non-numeric `Timestamp` -> 401 "Invalid timestamp"; more than 300 s away -> 401 "Timestamp out of
 * acceptable time range"; wrong signature -> 401 "Signature data did not match expected result";
 * unknown or expired token -> 401 "Unauthorized". The query is never decoded or re-encoded.
 *
 * @returns the principal
 * @throws EmulatorHttpError with the status and `{"status":"Failure","message":...}` body above
 */
export function authenticate(req: AuthRequest, cfg: AuthConfig): Principal {
  const header = req.authorization ?? '';
  const token = /^TC-Token (.+)$/.exec(header);
  if (token) {
    const nowS = cfg.now() / 1000;
    const found = cfg.tokens.find((t) => sameText(t.token, token[1]!));
    if (!found || found.expiresAt <= nowS) throw fail(401, 'unauthorized');
    return { kind: 'token', user: found.user ?? '' };
  }
  const hmac = /^TC ([^:\s]+):(\S+)$/.exec(header);
  if (!hmac) throw fail(403, 'accessDenied');
  const accessId = hmac[1]!;
  const cred = cfg.credentials.find((c) => sameText(c.accessId, accessId));
  if (!cred) throw fail(401, 'accessDenied');
  const ts = req.timestamp ?? '';
  if (!/^\d{1,12}$/.test(ts)) throw fail(401, 'invalidTimestamp');
  if (Math.abs(cfg.now() / 1000 - Number(ts)) > TIMESTAMP_WINDOW_SECONDS) throw fail(401, 'timeRange');
  if (!sameText(expectedSignature(cred.secretKey, req.target, req.method, ts), hmac[2]!)) throw fail(401, 'signature');
  return { kind: 'hmac', accessId, user: cred.user ?? '' };
}

function fail(status: number, key: keyof typeof AUTH_MESSAGES): EmulatorHttpError {
  return v2Failure(`TCE_AUTH_${key.toUpperCase() as Uppercase<typeof key>}`, status, AUTH_MESSAGES[key]);
}
