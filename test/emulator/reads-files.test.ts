// Owners, indicator types, v3 reads and document/report files, from tc-batch-api.md §3.7, §3.8, §12 items 8–9.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { indicatorTypes } from '../../generated/catalog.js';
import { validateIndicatorTypesResponse } from '../../generated/validators/index.js';
import { call, getRaw } from './signer.js';
import { OTHER, OWNER, readGroup, runJob, start } from './harness.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ maxFileBytes: 64 });
  await runJob(emu.url, {
    group: [
      { type: 'Document', xid: 'doc-1', name: 'document-001', fileName: 'example.txt' },
      { type: 'Report', xid: 'rep-1', name: 'report-001', fileName: 'r.pdf' },
      { type: 'Adversary', xid: 'adv-1', name: 'adversary-001' },
    ],
  });
});
afterAll(() => emu.close());

describe('owners (§3.8)', () => {
  it('GET /v2/owners', async () => {
    const r = await call(emu.url, 'GET', '/v2/owners');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      status: 'Success',
      data: { resultCount: 2, owner: [{ id: 1, name: OWNER, type: 'Organization' }, { id: 2, name: OTHER, type: 'Community' }] },
    });
  });

  it('GET /v2/owners/mine and /v3/security/owners', async () => {
    expect((await call(emu.url, 'GET', '/v2/owners/mine')).json).toEqual({ status: 'Success', data: { owner: { id: 1, name: OWNER, type: 'Organization' } } });
    expect((await call(emu.url, 'GET', '/v3/security/owners')).json).toEqual({
      data: [{ id: 1, name: OWNER, type: 'Organization' }, { id: 2, name: OTHER, type: 'Community' }],
      status: 'Success',
    });
  });
});

describe('GET /v2/types/indicatorTypes (§3.8, §9)', () => {
  it('lists every catalogued type in the IndicatorTypesResponse shape', async () => {
    const r = await call(emu.url, 'GET', '/v2/types/indicatorTypes');
    expect(r.status).toBe(200);
    expect(validateIndicatorTypesResponse(r.json).valid).toBe(true);
    expect(r.json.data.resultCount).toBe(Object.keys(indicatorTypes).length);
    const file = r.json.data.indicatorType.find((t: { name: string }) => t.name === 'File');
    expect(file).toEqual({
      name: 'File',
      custom: 'false',
      parsable: 'true',
      apiBranch: 'files',
      apiEntity: 'file',
      casePreference: 'upper',
      value1Label: 'MD5',
      value1Type: 'text',
      value2Label: 'SHA1',
      value2Type: 'text',
      value3Label: 'SHA256',
      value3Type: 'text',
    });
  });

  it('GET /v2/types/indicatorTypes/{type} by name or apiEntity; 404 otherwise', async () => {
    expect((await call(emu.url, 'GET', '/v2/types/indicatorTypes/file')).json.data.indicatorType.name).toBe('File');
    expect((await call(emu.url, 'GET', '/v2/types/indicatorTypes/Registry%20Key')).json.data.indicatorType.value3Label).toBe('Value Type');
    expect((await call(emu.url, 'GET', '/v2/types/indicatorTypes/nothing')).status).toBe(404);
  });
});

describe('v3 reads (§3.8)', () => {
  it('GET /v3/groups/{xid}?owner= and /v3/groups/{id}', async () => {
    const byXid = await readGroup(emu.url, 'adv-1');
    expect(byXid.status).toBe(200);
    const byId = await call(emu.url, 'GET', `/v3/groups/${byXid.json.data.id}`);
    expect(byId.json).toEqual(byXid.json);
  });

  it('404 v3 body for an unknown xid and for an xid of another owner', async () => {
    const r = await readGroup(emu.url, 'adv-1', OTHER);
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ message: 'The requested resource was not found', status: 'Error' });
  });

  it('GET /v3/indicators/{summary} without type searches every type', async () => {
    await runJob(emu.url, { indicator: [{ type: 'URL', summary: 'http://notype.example.com/a?b=c' }] });
    const r = await call(emu.url, 'GET', `/v3/indicators/${encodeURIComponent('http://notype.example.com/a?b=c')}`);
    expect(r.status).toBe(200);
    expect(r.json.data).toMatchObject({ type: 'URL', summary: 'http://notype.example.com/a?b=c', text: 'http://notype.example.com/a?b=c', ownerName: OWNER });
  });
});

describe('document and report uploads (§3.7)', () => {
  it('POST stores the bytes; GET /v3/groups/{xid}/download returns them', async () => {
    const up = await call(emu.url, 'POST', `/v2/groups/documents/doc-1/upload?owner=${OWNER}`, 'example file content');
    expect(up.status).toBe(200);
    expect(up.json).toEqual({ status: 'Success' });
    const d = await getRaw(emu.url, `/v3/groups/doc-1/download?owner=${OWNER}`);
    expect(d.status).toBe(200);
    expect(d.headers['content-type']).toBe('application/octet-stream');
    expect(d.body.toString('utf8')).toBe('example file content');
    expect((await readGroup(emu.url, 'doc-1')).json.data).toMatchObject({ fileName: 'example.txt', fileSize: 20 });
  });

  it('POST on a group that has a file, without updateIfExists -> 401; PUT or updateIfExists=true replaces', async () => {
    await call(emu.url, 'POST', `/v2/groups/reports/rep-1/upload?owner=${OWNER}`, 'v1');
    const again = await call(emu.url, 'POST', `/v2/groups/reports/rep-1/upload?owner=${OWNER}`, 'v2');
    expect(again.status).toBe(401);
    expect(again.json).toEqual({ status: 'Failure', message: 'The group already has a file; use PUT or updateIfExists=true to replace it' });
    expect((await call(emu.url, 'PUT', `/v2/groups/reports/rep-1/upload?owner=${OWNER}`, 'v2')).status).toBe(200);
    expect((await getRaw(emu.url, `/v3/groups/rep-1/download?owner=${OWNER}`)).body.toString()).toBe('v2');
    expect((await call(emu.url, 'POST', `/v2/groups/reports/rep-1/upload?owner=${OWNER}&updateIfExists=true`, 'v3')).status).toBe(200);
    expect((await getRaw(emu.url, `/v3/groups/rep-1/download?owner=${OWNER}`)).body.toString()).toBe('v3');
  });

  it('404 for a wrong branch, a group without file content, an unknown xid; 404 download before upload', async () => {
    expect((await call(emu.url, 'POST', `/v2/groups/reports/doc-1/upload?owner=${OWNER}`, 'x')).status).toBe(404);
    expect((await call(emu.url, 'POST', `/v2/groups/adversaries/adv-1/upload?owner=${OWNER}`, 'x')).status).toBe(404);
    const missing = await call(emu.url, 'POST', `/v2/groups/documents/nope/upload?owner=${OWNER}`, 'x');
    expect(missing.status).toBe(404);
    expect(missing.json).toEqual({ status: 'Failure', message: 'The requested resource was not found' });
    expect((await call(emu.url, 'GET', `/v3/groups/adv-1/download?owner=${OWNER}`)).status).toBe(404);
  });

  it('400 over the file size limit', async () => {
    const r = await call(emu.url, 'PUT', `/v2/groups/documents/doc-1/upload?owner=${OWNER}`, 'x'.repeat(65));
    expect(r.status).toBe(400);
    expect(r.json).toEqual({ status: 'Invalid', description: 'File size greater than allowable limit of 64' });
  });
});
