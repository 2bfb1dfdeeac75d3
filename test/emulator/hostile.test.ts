// Never crash: hostile job contents get an answer (a job that completes with error records), the
// server keeps answering, and a job a dead server left half-processed is not processed again.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { Store } from '../../src/emulator/store.js';
import { call } from './signer.js';
import { config, errorsOf, runJob, start, waitDone } from './harness.js';

const dir = mkdtempSync(join(tmpdir(), 'tcbatch-hostile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const deep = (n: number): string => `${'{"x":'.repeat(n)}1${'}'.repeat(n)}`;

/** The crash repros of issue 13 and relatives. */
export const REPROS: Array<[string, string]> = [
  ['indicator type object', '{"indicator":[{"type":{"toString":1},"summary":"x"}]}'],
  ['group type object', '{"group":[{"type":{"toString":1},"xid":"g","name":"n"}]}'],
  ['association id_1 object', '{"association":[{"id_1":{"toString":1},"id_2":"b"}]}'],
  ['indicator summary object', '{"indicator":[{"type":"Host","summary":{"toString":1}}]}'],
  ['valueOf trap', '{"indicator":[{"type":"Host","summary":"v.example.com","rating":{"valueOf":1}}]}'],
  ['unknown field 25,000 deep', `{"indicator":[{"type":"Host","summary":"deep.example.com","extra":${deep(25_000)}}]}`],
  ['attribute list of objects with traps', '{"indicator":[{"type":"Host","summary":"a.example.com","attribute":[{"type":{"toString":1},"value":{"toString":1}}],"tag":[{"name":{"toString":1}}]}]}'],
  ['__proto__ keys', '{"__proto__":{"indicator":1},"indicator":[{"type":"Host","summary":"p.example.com","__proto__":{"x":1}}]}'],
];

describe('hostile job contents (async mode)', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await start({ db: join(dir, 'hostile.sqlite') });
  });
  afterAll(() => emu.close());

  for (const [name, content] of REPROS) {
    it(`${name}: the job completes, the server still answers`, async () => {
      const { id, status } = await runJob(emu.url, content);
      expect(status.status).toBe('Completed');
      const records = await errorsOf(emu.url, id);
      const counted = Number(status.errorCount);
      expect(records).toHaveLength(counted);
      expect((await call(emu.url, 'GET', '/v2/owners')).status).toBe(200);
    });
  }

  it('indicator type object: a job-fatal 0x1003 naming the JSON path', async () => {
    const { id, status } = await runJob(emu.url, REPROS[0]![1]);
    expect(status).toMatchObject({ status: 'Completed', errorCount: 1, successCount: 0 });
    const [r] = await errorsOf(emu.url, id);
    expect(r!.errorReason).toMatch(/^Error \(0x1003\): Encountered an unexpected Exception while processing batch job\. Last known JSON path: '\$\.indicator\[0\]'/);
  });

  it('after all of them, a restart on the same database is clean and a good job still works', async () => {
    await emu.close();
    emu = await start({ db: join(dir, 'hostile.sqlite') });
    const { status } = await runJob(emu.url, { indicator: [{ type: 'Host', summary: 'fine.example.com' }] });
    expect(status).toMatchObject({ status: 'Completed', successCount: 1, errorCount: 0 });
  });
});

it('inline (synchronous createAndUpload) mode answers hostile content with a completed job, not a 500', async () => {
  const emu = await start({ timing: { synchronousLimit: 100 } });
  try {
    for (const [, content] of REPROS) {
      const form = new FormData();
      form.append('config', JSON.stringify(config()));
      form.append('content', content);
      const r = await call(emu.url, 'POST', '/v2/batch/createAndUpload', form);
      expect(r.status).toBe(200);
      expect(r.json.data.batchStatus.status).toBe('Completed');
    }
  } finally {
    await emu.close();
  }
});

it('a job left Running without a result by a dead server is completed with a 0x1004 record, not re-run', async () => {
  const db = join(dir, 'died.sqlite');
  const store = Store.open(db);
  store.ensureOwners([{ name: 'MyOrg', type: 'Organization' }]);
  const id = store.createJob('MyOrg', config(), '2024-01-02T03:04:05.000Z');
  store.queueJob(id, Buffer.from('{"indicator":[{"type":"Host","summary":"never.example.com"}]}'), false, '2024-01-02T03:04:05.000Z');
  store.setPhase(id, 'Running', '2024-01-02T03:04:05.000Z');
  store.close();
  const emu = await start({ db });
  try {
    expect(await waitDone(emu.url, id)).toMatchObject({ status: 'Completed', errorCount: 1, successCount: 0 });
    const [r] = await errorsOf(emu.url, id);
    expect(r!.errorReason).toBe(
      'Error (0x1004): Encountered an unexpected Exception while processing batch job. Processing was interrupted because the server stopped; the job was not processed again.',
    );
    expect((await call(emu.url, 'GET', '/v3/indicators/never.example.com?owner=MyOrg&type=Host')).status).toBe(404);
  } finally {
    await emu.close();
  }
});
