/**
 * ThreatConnect API authentication (tc-batch-api.md §2): HMAC over `path?query:METHOD:timestamp`
 * with the secret key (base64 HMAC-SHA256), or a `TC-Token`.
 */
import { createHmac } from 'node:crypto';

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

/** The token header (tc-batch-api.md §2.2). */
export function tokenHeaders(token: string): Record<string, string> {
  return { Authorization: `TC-Token ${token}` };
}
