// Volume rules, from tc-batch-api.md §5 and §7.4 (25,000 indicators per job) and the acceptance.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, getMany } from './signer.js';
import { errorsOf, runJob, start } from './harness.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

const ip = (n: number) => `10.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`;

it('30,000 indicators: the 5,000 past 25,000 are refused with 0x1008', async () => {
  const indicator = Array.from({ length: 30_000 }, (_, i) => ({ type: 'Address', summary: ip(i) }));
  const { id, status } = await runJob(emu.url, { indicator });
  expect(status).toEqual({
    id,
    status: 'Completed',
    errorCount: 1,
    successCount: 25_000,
    unprocessCount: 5_000,
    successIndicatorCount: 25_000,
    errorIndicatorCount: 0,
    successGroupCount: 0,
    errorGroupCount: 0,
    successAssociationCount: 0,
    errorAssociationCount: 0,
  });
  expect(await errorsOf(emu.url, id)).toEqual([
    {
      errorReason:
        'Error (0x1008): The batch job contains 30000 indicators, which would exceed the number of allowed indicators (25000); the 5000 indicators after indicator[24999] were not processed.',
    },
  ]);
  expect((await call(emu.url, 'GET', `/v3/indicators/${ip(24_999)}?type=Address`)).status).toBe(200);
  expect((await call(emu.url, 'GET', `/v3/indicators/${ip(25_000)}?type=Address`)).status).toBe(404);
});

it('a 10,000-item job completes and every item is readable through the v3 read endpoints', async () => {
  const group = Array.from({ length: 1_000 }, (_, i) => ({ type: 'Adversary', xid: `bulk-${i}`, name: `adversary ${i}`, tag: [{ name: 'bulk' }] }));
  const indicator = Array.from({ length: 9_000 }, (_, i) => ({
    type: 'Host',
    summary: `h${i}.bulk.example.com`,
    associatedGroups: [{ groupXid: `bulk-${i % 1_000}` }],
  }));
  const { status } = await runJob(emu.url, { group, indicator, association: [] });
  expect(status).toMatchObject({ status: 'Completed', successCount: 10_000, errorCount: 0, unprocessCount: 0, successAssociationCount: 9_000 });
  const paths = [
    ...group.map((g) => `/v3/groups/${g.xid}?owner=MyOrg`),
    ...indicator.map((x) => `/v3/indicators/${x.summary}?owner=MyOrg&type=Host`),
  ];
  const replies = await getMany(emu.url, paths);
  expect(replies.filter((r) => r.status === 200 && r.json.status === 'Success')).toHaveLength(10_000);
  expect(replies.slice(1_000).every((r, i) => r.json.data.summary === indicator[i]!.summary)).toBe(true);
  const g0 = (await call(emu.url, 'GET', '/v3/groups/bulk-0?owner=MyOrg')).json.data;
  expect(g0.associatedIndicators.data).toHaveLength(9);
});
