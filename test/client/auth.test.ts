// HMAC signature vectors computed by hand (python3 hmac/hashlib/base64) and the exact request the
// client sends: the signature covers the path and query exactly as encoded on the wire.
import { describe, expect, it } from 'vitest';
import { hmacHeaders, tokenHeaders } from '../../src/client/auth.js';
import { TcClient } from '../../src/client/client.js';
import { ConfigError } from '../../src/client/errors.js';

describe('HMAC (tc-batch-api.md §2.1)', () => {
  it('matches a hand-computed signature', () => {
    // base64(HMAC-SHA256("secret-key-1", "/api/v2/batch/7?includeAdditional=true:GET:1700000000"))
    expect(hmacHeaders('my-id', 'secret-key-1', '/api/v2/batch/7?includeAdditional=true', 'get', 1700000000)).toStrictEqual({
      Authorization: 'TC my-id:a/aX0pVKETBypA+Ah8kK7FMQAAigfInVsf3nBzjRn40=',
      Timestamp: '1700000000',
    });
  });
  it('token header', () => {
    expect(tokenHeaders('APIV2:1:abc')).toStrictEqual({ Authorization: 'TC-Token APIV2:1:abc' });
  });
  it('signs exactly what is sent, percent-encoding included', async () => {
    const seen: Array<{ url: string; method: string; headers: Record<string, string> }> = [];
    const client = new TcClient({
      apiPath: 'https://tc.example/api',
      accessId: 'A',
      secretKey: 'S',
      env: {},
      now: () => 1513703787_000,
      fetch: async (r: Request) => {
        seen.push({ url: r.url, method: r.method, headers: Object.fromEntries(r.headers) });
        return new Response('{"status":"Success"}', { status: 200, headers: { 'content-type': 'application/json' } });
      },
    });
    await client.uploadFile('documents', 'my xid', new TextEncoder().encode('x'), 'My Org');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.url).toBe('https://tc.example/api/v2/groups/documents/my%20xid/upload?owner=My%20Org&updateIfExists=true');
    expect(seen[0]!.method).toBe('POST');
    // python3: base64(hmac(b'S', b'/api/v2/groups/documents/my%20xid/upload?owner=My%20Org&updateIfExists=true:POST:1513703787'))
    expect(seen[0]!.headers.authorization).toBe('TC A:YeX8tidgJDIh47km6lXDHX7pUb/23xFliHX46R+LSeg=');
    expect(seen[0]!.headers.timestamp).toBe('1513703787');
    expect(seen[0]!.headers['content-type']).toBe('application/octet-stream');
    expect(seen[0]!.headers['user-agent']).toBe('tcbatch/0.1.0');
  });
});

describe('TcClient configuration', () => {
  it('reads TC_* variables', () => {
    const c = new TcClient({ env: { TC_API_PATH: 'https://x/api/', TC_TOKEN: 't', TC_OWNER: 'Org' } });
    expect(c.apiPath).toBe('https://x/api');
    expect(c.owner).toBe('Org');
  });
  it('needs a path and credentials, and never puts the secret in the message', () => {
    expect(() => new TcClient({ env: {} })).toThrowError(ConfigError);
    try {
      new TcClient({ apiPath: 'https://x/api', secretKey: 'TOP-SECRET', env: {} });
      expect.unreachable();
    } catch (e) {
      expect((e as Error).message).not.toContain('TOP-SECRET');
      expect((e as ConfigError).code).toBe('TCB_CONFIG');
    }
  });
});
