// One API description: every route the emulator serves is in schemas/openapi.yaml, and answers of
// every route (successes and failures) match what it describes.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { JobRunner } from '../../src/emulator/jobs.js';
import { resolveOptions } from '../../src/emulator/options.js';
import { seededRandom } from '../../src/emulator/random.js';
import { buildApp, routesOf } from '../../src/emulator/server.js';
import { Store } from '../../src/emulator/store.js';
import { api, check, exchanges, openapi, templateKey } from './contract.js';
import { OWNER, config, start } from './harness.js';
import { call } from './signer.js';

it('every /api route of the emulator is in openapi.yaml, with its method', async () => {
  const opts = resolveOptions({ tokens: ['t'] });
  const store = Store.open(':memory:');
  const app = await buildApp(opts, store, new JobRunner(store, opts, seededRandom(1)));
  await app.ready();
  const served = routesOf(app)
    .filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD')
    .map((r) => `${r.method} ${templateKey(r.url)}`);
  const described = new Set(
    Object.entries(openapi.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops)
        .filter((m) => ['get', 'post', 'put', 'delete'].includes(m))
        .map((m) => `${m.toUpperCase()} ${templateKey(path)}`),
    ),
  );
  expect(served.length).toBeGreaterThanOrEqual(18);
  expect(served.filter((r) => !described.has(r))).toEqual([]);
  await app.close();
  store.close();
});

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start({ timing: { pollsPerState: 0 } });
});
afterAll(() => emu.close());

it('answers of every route match openapi.yaml', async () => {
  const u = emu.url;
  // v2 batch: create, upload, status, errors, results; failures
  const id = (await api(u, 'POST', '/v2/batch', config())).json.data.batchId as number;
  await api(u, 'GET', `/v2/batch/${id}`);
  await api(u, 'GET', `/v2/batch/${id}/errors`); // 400 still Created
  await api(u, 'POST', `/v2/batch/${id}`, '{"x":1}', { contentType: 'application/json' }); // 415
  const content = {
    group: [{ type: 'Document', xid: 'doc-1', name: 'a document', fileName: 'a.txt', tag: [{ name: 'T' }] }],
    indicator: [
      { type: 'Host', summary: 'api.example.com', associatedGroups: [{ groupXid: 'doc-1' }], attribute: [{ type: 'Description', value: 'd' }] },
      { type: 'Host', summary: 'bad_host' },
    ],
  };
  await api(u, 'POST', `/v2/batch/${id}`, JSON.stringify(content));
  for (let i = 0; i < 100 && (await api(u, 'GET', `/v2/batch/${id}?includeAdditional=true`)).json.data.batchStatus.status !== 'Completed'; i++);
  await api(u, 'POST', `/v2/batch/${id}`, '[]'); // 400 already uploaded
  await api(u, 'GET', `/v2/batch/${id}/errors`);
  await api(u, 'GET', `/v2/batch/${id}/results`);
  await api(u, 'GET', `/v2/batch/${id}/results?code=1`); // 400
  await api(u, 'GET', '/v2/batch/999999'); // 404
  await api(u, 'POST', '/v2/batch', config({ attributeWriteType: 'Nope' })); // 400
  await api(u, 'POST', '/v2/batch', config({ owner: 'Nobody' })); // 403
  await api(u, 'POST', '/v2/batch', 'x'.repeat(70_000), { contentType: 'application/json' }); // 400 Invalid
  const form = new FormData();
  form.append('config', JSON.stringify(config()));
  form.append('content', '[]');
  await api(u, 'POST', '/v2/batch/createAndUpload?includeAdditional=true', form);
  await api(u, 'POST', '/v2/batch/createAndUpload', 'garbage', { contentType: 'multipart/form-data; boundary=x' }); // 400
  // files
  await api(u, 'POST', `/v2/groups/documents/doc-1/upload?owner=${OWNER}`, 'file bytes');
  await api(u, 'POST', `/v2/groups/documents/doc-1/upload?owner=${OWNER}`, 'again'); // 401 exists
  await api(u, 'PUT', `/v2/groups/documents/doc-1/upload?owner=${OWNER}`, 'replaced');
  await api(u, 'PUT', `/v2/groups/reports/doc-1/upload?owner=${OWNER}`, 'x'); // 404 wrong branch
  await api(u, 'GET', `/v3/groups/doc-1/download?owner=${OWNER}`);
  // owners and types
  await api(u, 'GET', '/v2/owners');
  await api(u, 'GET', '/v2/owners/mine');
  await api(u, 'GET', '/v3/security/owners');
  await api(u, 'GET', '/v2/types/indicatorTypes');
  await api(u, 'GET', '/v2/types/indicatorTypes/host');
  await api(u, 'GET', '/v2/types/indicatorTypes/nope'); // 404
  // v3 reads
  await api(u, 'GET', `/v3/groups?owner=${OWNER}&count=true`);
  await api(u, 'GET', `/v3/groups?owner=${OWNER}&resultLimit=0`); // 400
  await api(u, 'GET', '/v3/groups?owner=Nobody'); // 403
  await api(u, 'GET', `/v3/groups/doc-1?owner=${OWNER}`);
  await api(u, 'GET', `/v3/groups/nope?owner=${OWNER}`); // 404
  await api(u, 'GET', `/v3/indicators?owner=${OWNER}&resultLimit=1`);
  await api(u, 'GET', `/v3/indicators/api.example.com?owner=${OWNER}&type=Host`);
  await api(u, 'GET', `/v3/indicators/nope.example.com?owner=${OWNER}&type=Host`); // 404
  // emulator only, and authentication failures
  await api(u, 'GET', '/emulator/batch');
  await api(u, 'GET', '/v2/owners', undefined, { secretKey: 'wrong' }); // 401
  const statuses = new Set(exchanges.map((e) => `${e.method} ${e.status}`));
  expect(statuses.size).toBeGreaterThanOrEqual(10);
  expect(exchanges.filter((e) => e.problems.length > 0)).toEqual([]);
});

it('the checker itself refuses an answer openapi.yaml does not describe', async () => {
  const r = await call(emu.url, 'GET', '/v2/owners');
  expect(check('GET', '/v2/owners', { ...r, status: 418 })).toEqual(['GET /v2/owners: status 418 not in openapi.yaml']);
  expect(check('GET', '/v2/owners', { ...r, json: { status: 'Success', data: {} } })[0]).toMatch(/must have required property 'owner'/);
  expect(check('DELETE', '/v2/owners', r)).toEqual(['DELETE /v2/owners: method not in openapi.yaml']);
});
