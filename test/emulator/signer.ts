/**
 * A small hand-written ThreatConnect request signer for the emulator tests (tc-batch-api.md §2.1),
 * deliberately independent of the product's client: HMAC-SHA256 over `path?query:METHOD:timestamp`.
 */
import { createHmac } from 'node:crypto';
import { gunzipSync } from 'node:zlib';

export const ACCESS_ID = 'test-access-id';
export const SECRET_KEY = 'test-secret-key-never-logged-3f9a';
export const TOKEN = 'APIV2:430:c8mTcH:1234567890123:7mbiy0OnuSIq0ujNbkrqEB3RlpplzNL3CcQsYGso8ZQ=';

/** Fixed test clock: 2024-01-02T03:04:05Z. */
export const NOW_MS = Date.UTC(2024, 0, 2, 3, 4, 5);
export const NOW_ISO = '2024-01-02T03:04:05Z';

export interface SignOptions {
  accessId?: string;
  secretKey?: string;
  timestamp?: number | string;
  /** Use a token instead of HMAC. */
  token?: string;
  /** Sign this target instead of the one sent. */
  signTarget?: string;
}

/** Headers for a request to `url` (absolute). */
export function sign(method: string, url: string, o: SignOptions = {}): Record<string, string> {
  if (o.token !== undefined) return { Authorization: `TC-Token ${o.token}` };
  const u = new URL(url);
  const ts = String(o.timestamp ?? Math.floor(NOW_MS / 1000));
  const target = o.signTarget ?? `${u.pathname}${u.search}`;
  const sig = createHmac('sha256', o.secretKey ?? SECRET_KEY).update(`${target}:${method}:${ts}`).digest('base64');
  return { Authorization: `TC ${o.accessId ?? ACCESS_ID}:${sig}`, Timestamp: ts };
}

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Make a signed request with fetch. `body` objects are sent as JSON. */
export async function call(
  base: string,
  method: string,
  path: string,
  body?: unknown,
  o: SignOptions & { contentType?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const url = `${base}${path}`;
  const headers: Record<string, string> = { ...sign(method, url, o), ...(o.headers ?? {}) };
  let payload: RequestInit['body'];
  if (body instanceof FormData) payload = body;
  else if (typeof body === 'string' || body instanceof Uint8Array) {
    payload = body as RequestInit['body'];
    headers['Content-Type'] = o.contentType ?? 'application/octet-stream';
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['Content-Type'] = o.contentType ?? 'application/json; charset=utf-8';
  }
  const res = await fetch(url, { method, headers, body: payload });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

/** GET raw bytes without automatic decompression (node:http), to check gzip framing. */
export async function getRaw(base: string, path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: Buffer }> {
  const { request } = await import('node:http');
  const url = new URL(`${base}${path}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers: sign('GET', url.href) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const gunzipJson = (b: Buffer): unknown => JSON.parse(gunzipSync(b).toString('utf8'));

/** Many signed GETs over keep-alive node:http connections (fast bulk reads); returns status + parsed JSON per path. */
export async function getMany(base: string, paths: string[], concurrency = 32): Promise<Array<{ status: number; json: any }>> {
  const { Agent, request } = await import('node:http');
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const one = (path: string) =>
    new Promise<{ status: number; json: any }>((resolve, reject) => {
      const url = new URL(`${base}${path}`);
      const req = request(url, { agent, headers: sign('GET', url.href) }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      });
      req.on('error', reject);
      req.end();
    });
  const out: Array<{ status: number; json: any }> = new Array(paths.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < paths.length) {
        const i = next++;
        out[i] = await one(paths[i]!);
      }
    }),
  );
  agent.destroy();
  return out;
}
