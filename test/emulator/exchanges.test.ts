// The HTTP exchanges of ThreatConnect's "V2 Batch API" documentation page, replayed against the
// emulator with the documented status, headers and bodies (and each answer checked against
// schemas/openapi.yaml).
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { api } from './contract.js';
import { config, start } from './harness.js';
import { getRaw } from './signer.js';

const PERMISSION =
  'Unable to perform the requested operation due to the following error(s): You do not have permission to create Indicators; Groups; Attributes; Tags; Security Labels;';
const UNAVAILABLE = 'Batch job api is not available.  Ensure that batchJobEnabled is true and document storage is enabled and configured;';
const ZERO = { errorCount: 0, successCount: 0, unprocessCount: 0 };

let emu: RunningEmulator;
let slow: RunningEmulator;
beforeAll(async () => {
  emu = await start({ maxUploadBytes: 2_000_000 }); // the page's example limit
  slow = await start({ timing: { pollsPerState: 1 } });
});
afterAll(async () => {
  await emu.close();
  await slow.close();
});

async function completed(base: string, content: string, over: Record<string, unknown> = {}) {
  const id = (await api(base, 'POST', '/v2/batch', config(over))).json.data.batchId as number;
  await api(base, 'POST', `/v2/batch/${id}`, content);
  for (let i = 0; i < 50; i++) {
    const s = await api(base, 'GET', `/v2/batch/${id}?includeAdditional=true`);
    if (s.json.data.batchStatus.status === 'Completed') return { id, status: s.json.data.batchStatus };
  }
  throw new Error('not completed');
}

describe('Create a batch job', () => {
  it('201 {"status":"Success","data":{"batchId":N}}', async () => {
    const r = await api(emu.url, 'POST', '/v2/batch', config());
    expect([r.status, r.json]).toEqual([201, { status: 'Success', data: { batchId: expect.any(Number) } }]);
  });

  it('insufficient privileges: 401 with the plain-text body', async () => {
    const ro = await start({ owners: ['MyOrg'], users: [{ name: 'reader', tokens: ['reader-token'], owners: { MyOrg: 'read' } }] });
    try {
      const r = await api(ro.url, 'POST', '/v2/batch', config(), { token: 'reader-token' });
      expect([r.status, r.headers.get('content-type'), r.text]).toEqual([401, 'text/plain; charset=utf-8', PERMISSION]);
    } finally {
      await ro.close();
    }
  });

  it('batch disabled: 503 with the plain-text body', async () => {
    const off = await start({ batchApiUnavailable: true });
    try {
      const r = await api(off.url, 'POST', '/v2/batch', config());
      expect([r.status, r.headers.get('content-type'), r.text]).toEqual([503, 'text/plain; charset=utf-8', UNAVAILABLE]);
    } finally {
      await off.close();
    }
  });
});

describe('Upload batch data', () => {
  it('202 with the Queued status envelope', async () => {
    const id = (await api(slow.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const r = await api(slow.url, 'POST', `/v2/batch/${id}`, '{"indicator":[]}');
    expect([r.status, r.json]).toEqual([202, { status: 'Success', data: { batchStatus: { id, status: 'Queued', ...ZERO } } }]);
  });

  it('too large: 400 {"status":"Invalid","description":"File size greater than allowable limit of 2000000"}', async () => {
    const id = (await api(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const r = await api(emu.url, 'POST', `/v2/batch/${id}`, 'x'.repeat(2_000_001));
    expect([r.status, r.json]).toEqual([400, { status: 'Invalid', description: 'File size greater than allowable limit of 2000000' }]);
  });

  it('invalid JSON is accepted (202); the job completes with errorCount > 0 and unprocessCount 0', async () => {
    const { status } = await completed(emu.url, '{"indicator": [');
    expect(status).toMatchObject({ status: 'Completed', successCount: 0, unprocessCount: 0 });
    expect(status.errorCount).toBeGreaterThan(0);
  });
});

describe('Check batch status', () => {
  it('Created, Queued, Running, Completed; includeAdditional adds the per-kind counts', async () => {
    const id = (await api(slow.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const poll = async () => (await api(slow.url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status as string;
    const seen = [await poll()];
    await api(slow.url, 'POST', `/v2/batch/${id}`, '{"indicator":[{"type":"Host","summary":"s.example.com"}]}');
    for (let i = 0; i < 50 && seen.at(-1) !== 'Completed'; i++) seen.push(await poll());
    expect([...new Set(seen)]).toEqual(['Created', 'Queued', 'Running', 'Completed']);
    const r = await api(slow.url, 'GET', `/v2/batch/${id}?includeAdditional=true`);
    expect(r.json).toEqual({
      status: 'Success',
      data: {
        batchStatus: {
          id, status: 'Completed', errorCount: 0, successCount: 1, unprocessCount: 0,
          successIndicatorCount: 1, errorIndicatorCount: 0, successGroupCount: 0, errorGroupCount: 0, successAssociationCount: 0, errorAssociationCount: 0,
        },
      },
    });
  });

  it('haltOnError: Completed with errorCount > 0 and unprocessCount > 0', async () => {
    const { status } = await completed(emu.url, JSON.stringify({ indicator: [{ type: 'Host', summary: 'bad_host' }, { type: 'Host', summary: 'ok.example.com' }] }), { haltOnError: true });
    expect(status).toMatchObject({ status: 'Completed', errorCount: 1, successCount: 0, unprocessCount: 1 });
  });
});

describe('Batch errors', () => {
  it('while running: 400 {"status":"Invalid","description":"Batch still in Running state"}', async () => {
    const id = (await api(slow.url, 'POST', '/v2/batch', config())).json.data.batchId;
    await api(slow.url, 'POST', `/v2/batch/${id}`, '[]');
    await api(slow.url, 'GET', `/v2/batch/${id}`); // Queued
    await api(slow.url, 'GET', `/v2/batch/${id}`); // Running
    const r = await api(slow.url, 'GET', `/v2/batch/${id}/errors`);
    expect([r.status, r.json]).toEqual([400, { status: 'Invalid', description: 'Batch still in Running state' }]);
  });

  it('no errors: 404', async () => {
    const { id } = await completed(emu.url, '{"indicator":[]}');
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/errors`)).status).toBe(404);
  });

  it('errors: 200, Content-Type application/octet-stream, Content-Encoding gzip, a JSON array', async () => {
    const { id } = await completed(emu.url, JSON.stringify({ indicator: [{ type: 'Host', summary: 'bad_host' }] }));
    const r = await getRaw(emu.url, `/v2/batch/${id}/errors`);
    expect([r.status, r.headers['content-type'], r.headers['content-encoding']]).toEqual([200, 'application/octet-stream', 'gzip']);
    const records = JSON.parse(gunzipSync(r.body).toString('utf8')) as Array<Record<string, string>>;
    expect(records).toEqual([{ errorReason: expect.stringMatching(/^Error \(0x1005\): bad_host is not valid\./), errorSource: 'bad_host is not valid.' }]);
  });
});

describe('Batch results', () => {
  let id: number;
  beforeAll(async () => {
    ({ id } = await completed(emu.url, JSON.stringify({ group: [{ type: 'Adversary', xid: '00000000-0000-0000-0000-000000000000:0001', name: 'a' }, 'name'] })));
  });

  it('the documented record: errorReason the exception, errorMessage the sentence with the JSON path', async () => {
    const r = await api(emu.url, 'GET', `/v2/batch/${id}/results`);
    expect([r.status, r.json]).toEqual([
      200,
      [
        {
          code: '0x1003',
          severity: 'Error',
          errorReason: 'com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: Not a JSON Object: "name"',
          errorMessage: "Encountered an unexpected Exception while processing batch job. Last known JSON path: '$.group[1]': Last processed group[1] '00000000-0000-0000-0000-000000000000:0001'.",
        },
      ],
    ]);
  });

  it('filters code, severity and contains', async () => {
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/results?code=0x1003`)).json).toHaveLength(1);
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/results?code=0x1005`)).json).toEqual([]);
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/results?severity=error`)).json).toHaveLength(1);
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/results?severity=warn`)).json).toEqual([]);
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/results?contains=JsonSyntaxException`)).json).toHaveLength(1);
    expect((await api(emu.url, 'GET', `/v2/batch/${id}/results?contains=Last%20known`)).json).toHaveLength(1);
  });
});
