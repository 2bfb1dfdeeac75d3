// Several batch jobs at once: a pool of workers, jobs beyond it wait Queued; the job list tells every
// id issued and whether data was uploaded.
import { setImmediate as tick } from 'node:timers/promises';
import { expect, it } from 'vitest';
import { call } from './signer.js';
import { config, start, waitDone } from './harness.js';

const content = (host: string) => JSON.stringify({ indicator: [{ type: 'Host', summary: host }] });

async function createAndUpload(url: string, host: string): Promise<number> {
  const id = (await call(url, 'POST', '/v2/batch', config())).json.data.batchId as number;
  expect((await call(url, 'POST', `/v2/batch/${id}`, content(host))).status).toBe(202);
  return id;
}

/** Real phases of the jobs, waiting (one event-loop turn at a time) until none is still being picked up. */
async function settledPhases(emu: { jobs(): Array<{ id: number; status: string }> }, ids: number[], running: number): Promise<string[]> {
  let phases: string[] = [];
  for (let i = 0; i < 200; i++) {
    const byId = new Map(emu.jobs().map((j) => [j.id, j.status]));
    phases = ids.map((id) => byId.get(id)!);
    if (phases.filter((p) => p === 'Running').length >= running) break;
    await tick();
  }
  return phases;
}

it('two jobs are Running at the same time (default workers), a third with workers: 2 waits Queued', async () => {
  // runDelayMs keeps a processed job Running (holding its worker) until the server closes
  const emu = await start({ workers: 2, timing: { runDelayMs: 600_000 } });
  try {
    const a = await createAndUpload(emu.url, 'a.example.com');
    const b = await createAndUpload(emu.url, 'b.example.com');
    const c = await createAndUpload(emu.url, 'c.example.com');
    expect(await settledPhases(emu, [a, b, c], 2)).toEqual(['Running', 'Running', 'Queued']);
    for (const id of [a, b]) expect((await call(emu.url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status).toBe('Running');
    expect((await call(emu.url, 'GET', `/v2/batch/${c}`)).json.data.batchStatus.status).toBe('Queued');
    // both were processed while Running: their items are readable already
    expect((await call(emu.url, 'GET', '/v3/indicators/a.example.com?owner=MyOrg&type=Host')).status).toBe(200);
    expect((await call(emu.url, 'GET', '/v3/indicators/b.example.com?owner=MyOrg&type=Host')).status).toBe(200);
    expect((await call(emu.url, 'GET', '/v3/indicators/c.example.com?owner=MyOrg&type=Host')).status).toBe(404);
  } finally {
    await emu.close();
  }
});

it('the default pool runs more than one job at once', async () => {
  const emu = await start({ timing: { runDelayMs: 600_000 } });
  try {
    const ids = [await createAndUpload(emu.url, 'd1.example.com'), await createAndUpload(emu.url, 'd2.example.com')];
    expect(await settledPhases(emu, ids, 2)).toEqual(['Running', 'Running']);
  } finally {
    await emu.close();
  }
});

it('with workers: 1 jobs run one after the other, all complete', async () => {
  const emu = await start({ workers: 1 });
  try {
    const ids = [await createAndUpload(emu.url, 'w1.example.com'), await createAndUpload(emu.url, 'w2.example.com'), await createAndUpload(emu.url, 'w3.example.com')];
    for (const id of ids) expect(await waitDone(emu.url, id)).toMatchObject({ status: 'Completed', successCount: 1, errorCount: 0 });
  } finally {
    await emu.close();
  }
});

it('the job list names every id issued and whether data was uploaded (in-process and GET /api/emulator/batch)', async () => {
  const emu = await start({ timing: { queueDelayMs: 600_000 } });
  try {
    const empty = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId as number;
    const queued = await createAndUpload(emu.url, 'q.example.com');
    const summary = emu.jobs().map((j) => [j.id, j.status, j.uploaded, j.owner]);
    expect(summary).toEqual([
      [queued, 'Queued', true, 'MyOrg'],
      [empty, 'Created', false, 'MyOrg'],
    ]);
    const r = await call(emu.url, 'GET', '/emulator/batch');
    expect(r.status).toBe(200);
    expect(r.json.data.batch.map((j: { id: number; status: string; uploaded: boolean }) => [j.id, j.status, j.uploaded])).toEqual([
      [queued, 'Queued', true],
      [empty, 'Created', false],
    ]);
    expect(r.json.data.batch[0]).toMatchObject({ createdAt: '2024-01-02T03:04:05.000Z', uploadedAt: '2024-01-02T03:04:05.000Z', startedAt: null, completedAt: null, counts: null });
    // the v2 status tells the same apart
    expect((await call(emu.url, 'GET', `/v2/batch/${empty}`)).json.data.batchStatus.status).toBe('Created');
  } finally {
    await emu.close();
  }
});
