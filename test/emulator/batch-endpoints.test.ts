// The batch endpoints, written from tc-batch-api.md §3.1–§3.6 and the checklist in §12.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, getRaw, gunzipJson } from './signer.js';
import { config, runJob, start, waitDone } from './harness.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ maxUploadBytes: 1000 });
});
afterAll(() => emu.close());

const ZERO_STATUS = { errorCount: 0, successCount: 0, unprocessCount: 0 };

describe('POST /v2/batch (§3.1, §4)', () => {
  it('201 {status:Success, data:{batchId}}', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', config());
    expect(r.status).toBe(201);
    expect(r.json).toEqual({ status: 'Success', data: { batchId: r.json.data.batchId } });
    expect(Number.isInteger(r.json.data.batchId)).toBe(true);
  });

  it('accepts booleans as "true"/"false" strings, as tcex sends them', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', config({ haltOnError: 'true', playbookTriggersEnabled: 'false', tagWriteType: 'Replace', securityLabelWriteType: 'Replace' }));
    expect(r.status).toBe(201);
  });

  it('400 naming the field for an unknown enum value', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', config({ attributeWriteType: 'Merge' }));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({
      status: 'Failure',
      message: 'Invalid batch config: attributeWriteType has an invalid value "Merge": attributeWriteType is Append, Replace, Singleton or Static',
    });
  });

  it('400 for a missing required field, an unknown field, a non-boolean haltOnError', async () => {
    const { owner: _o, ...noOwner } = config();
    expect((await call(emu.url, 'POST', '/v2/batch', noOwner)).json).toEqual({ status: 'Failure', message: 'Invalid batch config: owner is required' });
    const typo = await call(emu.url, 'POST', '/v2/batch', config({ attributeWritetype: 'Append' }));
    expect(typo.status).toBe(400);
    expect(typo.json).toEqual({ status: 'Failure', message: 'Invalid batch config: attributeWritetype is not a batch config field' });
    const yes = await call(emu.url, 'POST', '/v2/batch', config({ haltOnError: 'yes' }));
    expect(yes.status).toBe(400);
    expect(yes.json.message).toMatch(/^Invalid batch config: haltOnError has an invalid value "yes"/);
  });

  it('400 for a body that is not JSON', async () => {
    const r = await call(emu.url, 'POST', '/v2/batch', '{not json', { contentType: 'application/json' });
    expect(r.status).toBe(400);
    expect(r.json.status).toBe('Failure');
  });
});

describe('POST /v2/batch/{id} (§3.2)', () => {
  it('202 with the Queued status envelope', async () => {
    const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const r = await call(emu.url, 'POST', `/v2/batch/${id}`, JSON.stringify({ indicator: [{ type: 'Host', summary: 'a.example.com' }] }));
    expect(r.status).toBe(202);
    expect(r.json).toEqual({ status: 'Success', data: { batchStatus: { id, status: 'Queued', ...ZERO_STATUS } } });
  });

  it('400 Invalid "File size greater than allowable limit of N" over the limit; exactly N bytes is accepted', async () => {
    const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const big = await call(emu.url, 'POST', `/v2/batch/${id}`, 'x'.repeat(1001));
    expect(big.status).toBe(400);
    expect(big.json).toEqual({ status: 'Invalid', description: 'File size greater than allowable limit of 1000' });
    const exact = await call(emu.url, 'POST', `/v2/batch/${id}`, ' '.repeat(998) + '[]');
    expect(exact.status).toBe(202);
  });

  it('takes the body as bytes (no JSON parsing at the HTTP layer); invalid JSON completes with an error', async () => {
    const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const r = await call(emu.url, 'POST', `/v2/batch/${id}`, '{broken', { contentType: 'application/octet-stream; charset=utf-8' });
    expect(r.status).toBe(202);
    expect(await waitDone(emu.url, id)).toMatchObject({ status: 'Completed', errorCount: 1, unprocessCount: 0 });
  });

  it('415 for a data upload that is not application/octet-stream (the job stays Created)', async () => {
    const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
    for (const contentType of ['application/json', 'text/plain', 'multipart/form-data; boundary=x']) {
      const r = await call(emu.url, 'POST', `/v2/batch/${id}`, '{"indicator":[]}', { contentType });
      expect([r.status, r.json]).toEqual([415, { status: 'Failure', message: 'HTTP 415 Unsupported Media Type' }]);
    }
    expect((await call(emu.url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status).toBe('Created');
  });

  it('400 on a second upload, 404 for an unknown job', async () => {
    const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
    await call(emu.url, 'POST', `/v2/batch/${id}`, '[]');
    await waitDone(emu.url, id);
    const again = await call(emu.url, 'POST', `/v2/batch/${id}`, '[]');
    expect(again.status).toBe(400);
    // undocumented answer, worded like the documented "Batch still in Running state"
    expect(again.json).toEqual({ status: 'Invalid', description: 'Batch already in Completed state' });
    const missing = await call(emu.url, 'POST', '/v2/batch/999999', '[]');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ status: 'Failure', message: 'The requested resource was not found' });
  });
});

describe('POST /v2/batch/createAndUpload (§3.3)', () => {
  const content = JSON.stringify({ group: [], indicator: [{ type: 'Address', summary: '10.0.0.1' }], association: [] });

  it('multipart parts with filenames (tcex/requests form)', async () => {
    const form = new FormData();
    form.append('config', new Blob([JSON.stringify(config({ haltOnError: 'true' }))]), 'config');
    form.append('content', new Blob([content]), 'content');
    const r = await call(emu.url, 'POST', '/v2/batch/createAndUpload?includeAdditional=true', form);
    expect(r.status).toBe(202);
    const id = r.json.data.batchStatus.id;
    expect(r.json).toEqual({
      status: 'Success',
      data: {
        batchStatus: {
          id,
          status: 'Queued',
          ...ZERO_STATUS,
          successIndicatorCount: 0,
          errorIndicatorCount: 0,
          successGroupCount: 0,
          errorGroupCount: 0,
          successAssociationCount: 0,
          errorAssociationCount: 0,
        },
      },
    });
    expect(await waitDone(emu.url, id)).toMatchObject({ status: 'Completed', successCount: 1, successIndicatorCount: 1 });
  });

  it('multipart parts without filenames, text/plain (Java SDK form)', async () => {
    const b = 'XyZboundary';
    const part = (name: string, body: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n${body}\r\n`;
    const body = `${part('config', JSON.stringify(config()))}${part('content', content)}--${b}--\r\n`;
    const r = await call(emu.url, 'POST', '/v2/batch/createAndUpload', body, { contentType: `multipart/form-data; boundary=${b}` });
    expect(r.status).toBe(202);
    expect(r.json.data.batchStatus).toEqual({ id: r.json.data.batchStatus.id, status: 'Queued', ...ZERO_STATUS });
    expect(await waitDone(emu.url, r.json.data.batchStatus.id)).toMatchObject({ successCount: 1 });
  });

  it('400 for a missing part, a bad config, an oversized content part', async () => {
    const only = new FormData();
    only.append('config', JSON.stringify(config()));
    const r = await call(emu.url, 'POST', '/v2/batch/createAndUpload', only);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ status: 'Failure', message: 'Missing multipart part: content' });
    const bad = new FormData();
    bad.append('config', JSON.stringify(config({ action: 'Upsert' })));
    bad.append('content', content);
    const b = await call(emu.url, 'POST', '/v2/batch/createAndUpload', bad);
    expect(b.status).toBe(400);
    expect(b.json.message).toMatch(/^Invalid batch config: action has an invalid value "Upsert"/);
    const big = new FormData();
    big.append('config', new Blob([JSON.stringify(config())]), 'config');
    big.append('content', new Blob(['x'.repeat(1001)]), 'content');
    const g = await call(emu.url, 'POST', '/v2/batch/createAndUpload', big);
    expect(g.status).toBe(400);
    expect(g.json).toEqual({ status: 'Invalid', description: 'File size greater than allowable limit of 1000' });
  });
});

describe('GET /v2/batch/{id}/errors and /results (§3.5, §3.6)', () => {
  let id: number;
  beforeAll(async () => {
    ({ id } = await runJob(emu.url, {
      indicator: [
        { type: 'Host', summary: 'bad_host.example.com' },
        { type: 'Address', summary: '10.0.0.300' },
        { type: 'Host', summary: 'ok.example.com' },
      ],
    }));
  });

  it('200 gzip JSON array with Content-Type application/octet-stream and Content-Encoding gzip', async () => {
    const r = await getRaw(emu.url, `/v2/batch/${id}/errors`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/octet-stream');
    expect(r.headers['content-encoding']).toBe('gzip');
    expect([...r.body.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
    const records = gunzipJson(r.body) as Array<Record<string, string>>;
    expect(records).toHaveLength(2);
    expect(records[0]!.errorReason).toMatch(/^Error \(0x1005\): bad_host\.example\.com is not valid\. The indicator 'bad_host\.example\.com' could not be processed as a valid Host due to missing or invalid data \(/);
    expect(records[0]!.errorSource).toBe('bad_host.example.com is not valid.');
    expect(records[1]!.errorReason).toMatch(/^Error \(0x1005\): 10\.0\.0\.300 is not valid\./);
  });

  it('fetch decompresses it transparently', async () => {
    const r = await call(emu.url, 'GET', `/v2/batch/${id}/errors`);
    expect(r.status).toBe(200);
    expect(r.json).toHaveLength(2);
  });

  it('404 when a completed job has no errors', async () => {
    const ok = await runJob(emu.url, { indicator: [{ type: 'Host', summary: 'fine.example.com' }] });
    const r = await call(emu.url, 'GET', `/v2/batch/${ok.id}/errors`);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ status: 'Failure', message: 'The requested resource was not found' });
    expect((await call(emu.url, 'GET', `/v2/batch/${ok.id}/results`)).status).toBe(404);
  });

  it('/results lists code, severity, errorReason, errorMessage and filters by code, severity, contains', async () => {
    const all = await call(emu.url, 'GET', `/v2/batch/${id}/results`);
    expect(all.status).toBe(200);
    expect(all.json).toHaveLength(2);
    expect(Object.keys(all.json[0])).toEqual(['code', 'severity', 'errorReason', 'errorMessage']);
    expect(all.json[0].code).toBe('0x1005');
    expect(all.json[0].severity).toBe('Error');
    // as on ThreatConnect's page: errorReason is the cause, errorMessage the sentence
    const cause = 'summary: a Host is an RFC 1123 host name in ASCII (IDNs as punycode), no underscores';
    expect(all.json[0].errorReason).toBe(cause);
    expect(all.json[0].errorMessage).toBe(`bad_host.example.com is not valid. The indicator 'bad_host.example.com' could not be processed as a valid Host due to missing or invalid data (${cause}).`);
    // no message cites the project's notes
    expect(JSON.stringify(all.json)).not.toMatch(/\.md\b/);
    expect((await call(emu.url, 'GET', `/v2/batch/${id}/results?code=0x1005`)).json).toHaveLength(2);
    expect((await call(emu.url, 'GET', `/v2/batch/${id}/results?code=0x1009`)).json).toEqual([]);
    expect((await call(emu.url, 'GET', `/v2/batch/${id}/results?severity=err`)).json).toHaveLength(2);
    expect((await call(emu.url, 'GET', `/v2/batch/${id}/results?severity=warning`)).json).toEqual([]);
    const c = await call(emu.url, 'GET', `/v2/batch/${id}/results?contains=10.0.0.300`);
    expect(c.json).toHaveLength(1);
    expect(c.json[0].errorMessage).toMatch(/^10\.0\.0\.300 is not valid/);
  });

  it('/results refuses a code without 0x and an unknown severity', async () => {
    const r = await call(emu.url, 'GET', `/v2/batch/${id}/results?code=1005`);
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ status: 'Failure', message: "Invalid code '1005': a code starts with 0x" });
    expect((await call(emu.url, 'GET', `/v2/batch/${id}/results?severity=fatal`)).status).toBe(400);
  });
});

describe('status progression (§3.4, §12 item 5)', () => {
  let slow: RunningEmulator;
  beforeAll(async () => {
    slow = await start({ timing: { pollsPerState: 1 } });
  });
  afterAll(() => slow.close());

  it('Created -> Queued -> Running -> Completed, one poll each; /errors is 400 until Completed', async () => {
    const id = (await call(slow.url, 'POST', '/v2/batch', config())).json.data.batchId;
    const poll = async () => (await call(slow.url, 'GET', `/v2/batch/${id}`)).json;
    expect(await poll()).toEqual({ status: 'Success', data: { batchStatus: { id, status: 'Created', ...ZERO_STATUS } } });
    await call(slow.url, 'POST', `/v2/batch/${id}`, JSON.stringify({ indicator: [{ type: 'Host', summary: 'bad_host' }] }));
    await new Promise((r) => setImmediate(r));
    expect((await poll()).data.batchStatus.status).toBe('Queued');
    const running = await call(slow.url, 'GET', `/v2/batch/${id}/errors`);
    expect(running.status).toBe(400);
    expect(running.json).toEqual({ status: 'Invalid', description: 'Batch still in Queued state' });
    expect((await poll()).data.batchStatus).toEqual({ id, status: 'Running', ...ZERO_STATUS });
    expect((await call(slow.url, 'GET', `/v2/batch/${id}/errors`)).json).toEqual({ status: 'Invalid', description: 'Batch still in Running state' });
    expect((await poll()).data.batchStatus).toEqual({ id, status: 'Completed', errorCount: 1, successCount: 0, unprocessCount: 0 });
    expect((await call(slow.url, 'GET', `/v2/batch/${id}/errors`)).status).toBe(200);
  });

  it('404 for an unknown job id', async () => {
    const r = await call(slow.url, 'GET', '/v2/batch/424242');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ status: 'Failure', message: 'The requested resource was not found' });
  });
});

describe('synchronous createAndUpload (§3.3 synchronousBatchSaveLimit)', () => {
  it('a job below the limit is answered Completed (200)', async () => {
    const sync = await start({ timing: { synchronousLimit: 10 } });
    try {
      const form = new FormData();
      form.append('config', JSON.stringify(config()));
      form.append('content', JSON.stringify({ indicator: [{ type: 'Host', summary: 'sync.example.com' }] }));
      const r = await call(sync.url, 'POST', '/v2/batch/createAndUpload', form);
      expect(r.status).toBe(200);
      expect(r.json.data.batchStatus).toEqual({ id: r.json.data.batchStatus.id, status: 'Completed', errorCount: 0, successCount: 1, unprocessCount: 0 });
    } finally {
      await sync.close();
    }
  });
});

it('unknown paths under /api answer the v2 not-found body', async () => {
  const r = await call(emu.url, 'GET', '/v2/nothing/here');
  expect(r.status).toBe(404);
  expect(r.json).toEqual({ status: 'Failure', message: 'The requested resource was not found' });
});
