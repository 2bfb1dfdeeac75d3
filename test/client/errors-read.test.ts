// /errors and /results reading with an injected fetch (exact requests, every answer shape of
// tc-batch-api.md §3.5/§3.6), and secrets never reaching errors, events or results.
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { TcClient, TcApiError, readErrors, type RetryEvent } from '../../src/index.js';

type Answer = { status: number; body?: string | Uint8Array; headers?: Record<string, string> };

function fakeClient(answers: Record<string, Answer[]>, events: RetryEvent[] = []) {
  const seen: string[] = [];
  const client = new TcClient({
    apiPath: 'https://tc.example/api',
    accessId: 'my-access-id',
    secretKey: 'SUPER-SECRET-KEY-42',
    env: {},
    retry: { retries: 2, minDelayMs: 0, maxDelayMs: 0 },
    sleep: async () => {},
    onRetry: (e) => events.push(e),
    fetch: async (r: Request) => {
      const u = new URL(r.url);
      const key = `${r.method} ${u.pathname}${u.search}`;
      seen.push(key);
      const next = answers[key]?.shift();
      if (!next) throw new Error(`unexpected request ${key}`);
      return new Response(next.body as ConstructorParameters<typeof Response>[0], { status: next.status, headers: next.headers ?? { 'content-type': 'application/json' } });
    },
  });
  return { client, seen };
}

const records = [{ errorReason: "Error (0x1005): bad_host is not valid. The indicator 'bad_host' could not be processed as a valid Host", errorSource: 'bad_host is not valid.' }];

describe('reading error records', () => {
  it('/errors: 404 means none', async () => {
    const { client, seen } = fakeClient({ 'GET /api/v2/batch/5/errors': [{ status: 404, body: '{"status":"Failure","message":"The requested resource was not found"}' }] });
    expect(await client.errors(5)).toStrictEqual({ state: 'none' });
    expect(seen).toStrictEqual(['GET /api/v2/batch/5/errors']);
  });

  it('/errors: a gzip body the transport did not decode is gunzipped (octet-stream, no Content-Encoding)', async () => {
    const { client } = fakeClient({ 'GET /api/v2/batch/5/errors': [{ status: 200, body: gzipSync(JSON.stringify(records)), headers: { 'content-type': 'application/octet-stream' } }] });
    expect(await client.errors(5)).toStrictEqual({ state: 'ok', records });
  });

  it('/errors: a body already decoded is parsed as is', async () => {
    const { client } = fakeClient({ 'GET /api/v2/batch/5/errors': [{ status: 200, body: JSON.stringify(records), headers: { 'content-type': 'application/octet-stream' } }] });
    expect(await client.errors(5)).toStrictEqual({ state: 'ok', records });
  });

  it('readErrors: /results unsupported (405) falls back to /errors; 400 "still running" waits and retries', async () => {
    const { client, seen } = fakeClient({
      'GET /api/v2/batch/9/results': [{ status: 405, body: '{"status":"Failure","message":"Method not allowed"}' }],
      'GET /api/v2/batch/9/errors': [
        { status: 400, body: '{"status":"Invalid","description":"Batch still in Running state"}' },
        { status: 200, body: gzipSync(JSON.stringify(records)), headers: { 'content-type': 'application/octet-stream' } },
      ],
    });
    const waits: number[] = [];
    const parsed = await readErrors(client, 9, { sleep: async (ms) => void waits.push(ms) });
    expect(seen).toStrictEqual(['GET /api/v2/batch/9/results', 'GET /api/v2/batch/9/errors', 'GET /api/v2/batch/9/errors']);
    expect(waits).toStrictEqual([2000]);
    expect(parsed).toStrictEqual([{ batchId: 9, origin: 'server', code: '0x1005', severity: 'Error', reason: records[0]!.errorReason, source: 'bad_host is not valid.', item: undefined, critical: false }]);
  });
});

describe('secrets', () => {
  it('never appear in retry events, errors or their messages', async () => {
    const events: RetryEvent[] = [];
    const { client } = fakeClient(
      {
        'GET /api/v2/batch/1?includeAdditional=true': [
          { status: 503, body: 'busy' },
          { status: 429, body: '{}', headers: { 'retry-after': '1', 'content-type': 'application/json' } },
          { status: 502, body: 'bad gateway' },
        ],
        'POST /api/v2/batch': [{ status: 401, body: '{"status":"Failure","message":"Signature data did not match expected result"}' }],
      },
      events,
    );
    const e1 = await client.status(1).catch((e: unknown) => e);
    const e2 = await client.createJob({ owner: 'o' }).catch((e: unknown) => e);
    expect(e1).toBeInstanceOf(TcApiError);
    expect(e2).toBeInstanceOf(TcApiError);
    expect((e2 as TcApiError).tcMessage).toBe('Signature data did not match expected result');
    expect(events.map((e) => e.reason)).toStrictEqual(['HTTP 503', 'HTTP 429']);
    const everything = JSON.stringify([events, e1, e2, String(e1), String(e2), (e1 as Error).stack, (e2 as Error).stack, Object.entries(e1 as object), Object.entries(e2 as object)]);
    expect(everything).not.toContain('SUPER-SECRET-KEY-42');
    expect(everything).not.toMatch(/TC my-access-id:/); // no Authorization value (the signature)
  });
});

describe('file upload', () => {
  it('POST, then PUT when the server answers 401 because the file exists', async () => {
    const { client, seen } = fakeClient({
      'POST /api/v2/groups/reports/rep-1/upload?owner=MyOrg&updateIfExists=true': [{ status: 401, body: '{"status":"Failure","message":"The group already has a file; use PUT or updateIfExists=true to replace it"}' }],
      'PUT /api/v2/groups/reports/rep-1/upload?owner=MyOrg&updateIfExists=true': [{ status: 200, body: '{"status":"Success"}' }],
    });
    expect(await client.uploadFile('reports', 'rep-1', new TextEncoder().encode('pdf bytes'), 'MyOrg')).toBe(200);
    expect(seen).toStrictEqual(['POST /api/v2/groups/reports/rep-1/upload?owner=MyOrg&updateIfExists=true', 'PUT /api/v2/groups/reports/rep-1/upload?owner=MyOrg&updateIfExists=true']);
  });

  it('a 401 that refuses the permission is not turned into a PUT', async () => {
    const refusal = 'Unable to perform the requested operation due to the following error(s): You do not have permission to create Indicators; Groups; Attributes; Tags; Security Labels;';
    for (const body of [refusal, '{"status":"Failure","message":"Access Denied"}', '{"status":"Failure","message":"Signature data did not match expected result"}']) {
      const { client, seen } = fakeClient({ 'POST /api/v2/groups/documents/d-1/upload?owner=MyOrg&updateIfExists=true': [{ status: 401, body, headers: { 'content-type': body.startsWith('{') ? 'application/json' : 'text/plain' } }] });
      const e = (await client.uploadFile('documents', 'd-1', new Uint8Array([1]), 'MyOrg').catch((x: unknown) => x)) as TcApiError;
      expect(e).toBeInstanceOf(TcApiError);
      expect(e.status).toBe(401);
      expect(seen).toStrictEqual(['POST /api/v2/groups/documents/d-1/upload?owner=MyOrg&updateIfExists=true']);
    }
  });
});
