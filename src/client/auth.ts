/**
 * ThreatConnect API authentication (ThreatConnect REST API: authentication): HMAC over `path?query:METHOD:timestamp`
 * with the secret key (base64 HMAC-SHA256), or a `TC-Token`.
 */
import { createHmac } from 'node:crypto';
import { ConfigError } from './errors.js';

/** Control characters (C0, DEL, C1): never part of an access id, secret key or token. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Refuse credentials that could not travel in an HTTP header (a CR/LF would split it, and its
 * text would end up in error messages and retry events).
 *
 * @param credentials option name -> value (undefined values are skipped)
 * @throws ConfigError (`TCB_CONFIG`) naming the option and the character position, never the value
 */
export function assertCredentials(credentials: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(credentials)) {
    if (value === undefined) continue;
    const at = value.search(CONTROL);
    if (at >= 0) throw new ConfigError(`${name} contains a control character (position ${at + 1}); check how it was copied (a trailing newline?)`);
  }
}

/**
 * The HMAC headers for one request.
 * @param pathAndQuery the path and query exactly as sent (`/api/v2/batch/7?includeAdditional=true`)
 * @param method upper- or lower-case HTTP method; signed upper-case
 * @param timestamp epoch seconds
 * @returns `{ Authorization: 'TC accessId:signature', Timestamp: '...' }`
 */
export function hmacHeaders(accessId: string, secretKey: string, pathAndQuery: string, method: string, timestamp: number): Record<string, string> {
  const signature = createHmac('sha256', secretKey).update(`${pathAndQuery}:${method.toUpperCase()}:${timestamp}`, 'utf8').digest('base64');
  return { Authorization: `TC ${accessId}:${signature}`, Timestamp: String(timestamp) };
}

/** The token header (ThreatConnect REST API: authentication). */
export function tokenHeaders(token: string): Record<string, string> {
  return { Authorization: `TC-Token ${token}` };
}
