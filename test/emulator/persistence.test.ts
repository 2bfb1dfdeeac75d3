// Restart persistence with a file database and owner isolation (issue 4 items 1 and 6; tc-batch-api.md §8).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { call } from './signer.js';
import { OTHER, OWNER, config, readGroup, readIndicator, runJob, start, waitDone } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tcbatch-emu-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a file database keeps jobs, errors, items and files across a restart', async () => {
  const db = join(dir, 'state.sqlite');
  const first = await start({ db });
  const { id } = await runJob(first.url, {
    group: [{ type: 'Document', xid: 'p-doc', name: 'persisted', fileName: 'a.txt' }],
    indicator: [{ type: 'Host', summary: 'persist.example.com', associatedGroups: [{ groupXid: 'p-doc' }] }, { type: 'Host', summary: 'bad_host' }],
  });
  await call(first.url, 'POST', `/v2/groups/documents/p-doc/upload?owner=${OWNER}`, 'bytes');
  const queued = (await call(first.url, 'POST', '/v2/batch', config())).json.data.batchId;
  await first.close();

  const second = await start({ db });
  try {
    expect((await call(second.url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus).toEqual({ id, status: 'Completed', errorCount: 1, successCount: 2, unprocessCount: 0 });
    expect((await call(second.url, 'GET', `/v2/batch/${id}/results`)).json).toHaveLength(1);
    expect((await readIndicator(second.url, 'persist.example.com', 'Host')).json.data.associatedGroups.data).toEqual([
      { id: expect.any(Number), xid: 'p-doc', type: 'Document', name: 'persisted' },
    ]);
    expect((await call(second.url, 'GET', `/v3/groups/p-doc/download?owner=${OWNER}`)).text).toBe('bytes');
    expect((await call(second.url, 'GET', `/v2/batch/${queued}`)).json.data.batchStatus.status).toBe('Created');
    const next = (await call(second.url, 'POST', '/v2/batch', config())).json.data.batchId;
    expect(next).toBe(queued + 1);
  } finally {
    await second.close();
  }
});

it('a job queued when the server stopped is processed after the restart', async () => {
  const db = join(dir, 'resume.sqlite');
  const first = await start({ db, timing: { queueDelayMs: 60_000 } });
  const id = (await call(first.url, 'POST', '/v2/batch', config())).json.data.batchId;
  await call(first.url, 'POST', `/v2/batch/${id}`, JSON.stringify({ indicator: [{ type: 'Host', summary: 'resumed.example.com' }] }));
  expect((await call(first.url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status).toBe('Queued');
  await first.close();
  const second = await start({ db });
  try {
    expect(await waitDone(second.url, id)).toMatchObject({ status: 'Completed', successCount: 1 });
  } finally {
    await second.close();
  }
});

it('two owners are isolated: same xid and summary are different items; reads are per owner', async () => {
  const emu = await start();
  try {
    await runJob(emu.url, { group: [{ type: 'Adversary', xid: 'shared-xid', name: 'mine' }], indicator: [{ type: 'Host', summary: 'shared.example.com', rating: 1 }] });
    await runJob(emu.url, { group: [{ type: 'Adversary', xid: 'shared-xid', name: 'theirs' }], indicator: [{ type: 'Host', summary: 'shared.example.com', rating: 5 }] }, { owner: OTHER });
    const a = (await readGroup(emu.url, 'shared-xid', OWNER)).json.data;
    const b = (await readGroup(emu.url, 'shared-xid', OTHER)).json.data;
    expect([a.name, a.ownerName, b.name, b.ownerName]).toEqual(['mine', OWNER, 'theirs', OTHER]);
    expect(a.id).not.toBe(b.id);
    expect((await readIndicator(emu.url, 'shared.example.com', 'Host', OWNER)).json.data.rating).toBe(1);
    expect((await readIndicator(emu.url, 'shared.example.com', 'Host', OTHER)).json.data.rating).toBe(5);
    await runJob(emu.url, { indicator: [{ type: 'Host', summary: 'shared.example.com' }] }, { owner: OTHER, action: 'Delete' });
    expect((await readIndicator(emu.url, 'shared.example.com', 'Host', OWNER)).status).toBe(200);
    expect((await readIndicator(emu.url, 'shared.example.com', 'Host', OTHER)).status).toBe(404);
  } finally {
    await emu.close();
  }
});
