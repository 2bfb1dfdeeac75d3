// Authentication, written from tc-batch-api.md §2 (HMAC, token, failure statuses and messages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { NOW_MS, TOKEN, call } from './signer.js';
import { OWNER, config, start } from './harness.js';

let emu: RunningEmulator;
const NOW_S = Math.floor(NOW_MS / 1000);
beforeAll(async () => {
  emu = await start({ tokens: [TOKEN, { token: 'expired-token', expiresAt: NOW_S - 1 }] });
});
afterAll(() => emu.close());

const failure = (message: string) => ({ status: 'Failure', message });

describe('HMAC (§2.1)', () => {
  it('accepts a correct signature over path?query:METHOD:timestamp', async () => {
    const r = await call(emu.url, 'GET', '/v2/owners?createActivityLog=false');
    expect(r.status).toBe(200);
  });

  it('accepts timestamps exactly 300 s away on either side', async () => {
    expect((await call(emu.url, 'GET', '/v2/owners', undefined, { timestamp: NOW_S - 300 })).status).toBe(200);
    expect((await call(emu.url, 'GET', '/v2/owners', undefined, { timestamp: NOW_S + 300 })).status).toBe(200);
  });

  it('verifies the raw query as sent: %20 and + are different strings', async () => {
    const path = `/v2/owners?owner=My%20Org`;
    expect((await call(emu.url, 'GET', path)).status).toBe(200);
    const plus = await call(emu.url, 'GET', path, undefined, { signTarget: '/api/v2/owners?owner=My+Org' });
    expect(plus.status).toBe(401);
    expect(plus.json).toEqual(failure('Signature data did not match expected result'));
  });

  it('signs the method: a GET signature does not authorise a POST', async () => {
    const url = `${emu.url}/v2/batch`;
    const { sign } = await import('./signer.js');
    const r = await fetch(url, { method: 'POST', headers: { ...sign('GET', url), 'Content-Type': 'application/json' }, body: JSON.stringify(config()) });
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual(failure('Signature data did not match expected result'));
  });

  it('401 "Signature data did not match expected result" for a wrong secret', async () => {
    const r = await call(emu.url, 'GET', '/v2/owners', undefined, { secretKey: 'wrong' });
    expect(r.status).toBe(401);
    expect(r.json).toEqual(failure('Signature data did not match expected result'));
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('401 "Timestamp out of acceptable time range" 301 s away', async () => {
    for (const ts of [NOW_S - 301, NOW_S + 301]) {
      const r = await call(emu.url, 'GET', '/v2/owners', undefined, { timestamp: ts });
      expect(r.status).toBe(401);
      expect(r.json).toEqual(failure('Timestamp out of acceptable time range'));
    }
  });

  it('401 "Invalid timestamp" for a missing or non-numeric Timestamp', async () => {
    const bad = await call(emu.url, 'GET', '/v2/owners', undefined, { timestamp: 'yesterday' });
    expect(bad.status).toBe(401);
    expect(bad.json).toEqual(failure('Invalid timestamp'));
    const url = `${emu.url}/v2/owners`;
    const { sign } = await import('./signer.js');
    const { Timestamp: _drop, ...noTs } = sign('GET', url);
    const r = await fetch(url, { headers: noTs });
    expect(r.status).toBe(401);
    expect(await r.json()).toEqual(failure('Invalid timestamp'));
  });

  it('401 "Access Denied" for an unknown access id', async () => {
    const r = await call(emu.url, 'GET', '/v2/owners', undefined, { accessId: 'nobody' });
    expect(r.status).toBe(401);
    expect(r.json).toEqual(failure('Access Denied'));
  });

  it('403 "Access Denied" without a supported Authorization header', async () => {
    const none = await fetch(`${emu.url}/v2/owners`);
    expect(none.status).toBe(403);
    expect(await none.json()).toEqual(failure('Access Denied'));
    const basic = await fetch(`${emu.url}/v2/owners`, { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(basic.status).toBe(403);
    expect(await basic.json()).toEqual(failure('Access Denied'));
  });
});

describe('TC-Token (§2.2)', () => {
  it('accepts a known token', async () => {
    const r = await call(emu.url, 'GET', '/v2/owners', undefined, { token: TOKEN });
    expect(r.status).toBe(200);
  });

  it('401 "Unauthorized" for an unknown or expired token', async () => {
    for (const token of ['APIV2:1:nope', 'expired-token']) {
      const r = await call(emu.url, 'GET', '/v2/owners', undefined, { token });
      expect(r.status).toBe(401);
      expect(r.json).toEqual(failure('Unauthorized'));
    }
  });
});

describe('owners (§1, §2.3)', () => {
  it('403 for a job config naming an unknown owner', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', config({ owner: 'Nope Inc' }));
    expect(r.status).toBe(403);
    expect(r.json).toEqual(failure("Owner 'Nope Inc' does not exist or you do not have access to it"));
  });

  it('403 for ?owner= naming an unknown owner on v3 reads and uploads', async () => {
    const v3 = await call(emu.url, 'GET', '/v3/groups/x?owner=Nope');
    expect(v3.status).toBe(403);
    expect(v3.json).toEqual({ message: "Owner 'Nope' does not exist or you do not have access to it", status: 'Error' });
    const up = await call(emu.url, 'POST', '/v2/groups/documents/x/upload?owner=Nope', 'bytes');
    expect(up.status).toBe(403);
  });

  it('the same access id works for both configured owners', async () => {
    expect((await call(emu.url, 'POST', '/v2/batch', config({ owner: OWNER }))).status).toBe(201);
    expect((await call(emu.url, 'POST', '/v2/batch', config({ owner: 'OtherOrg' }))).status).toBe(201);
  });
});
