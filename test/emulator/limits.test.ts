// Volume rules, from tc-batch-api.md §5 and §7.4 (25,000 indicators per job) and the acceptance.
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, getMany } from './signer.js';
import { OTHER, errorsOf, runJob, start } from './harness.js';

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
  const { status } = await runJob(emu.url, { group, indicator, association: [] }, { owner: OTHER });
  expect(status).toMatchObject({ status: 'Completed', successCount: 10_000, errorCount: 0, unprocessCount: 0, successAssociationCount: 9_000 });
  // every item through the paged v3 lists (resultLimit max 10,000, tc-batch-api.md §1)
  const groups = (await call(emu.url, 'GET', '/v3/groups?owner=OtherOrg&resultLimit=10000&count=true')).json;
  expect(groups.count).toBe(1_000);
  expect(groups.data.map((g: { xid: string }) => g.xid)).toEqual(group.map((g) => g.xid));
  expect(groups.data.every((g: { tags: { data: unknown[] }; associatedIndicators: { data: unknown[] } }) => g.tags.data.length === 1 && g.associatedIndicators.data.length === 9)).toBe(true);
  const first = (await call(emu.url, 'GET', '/v3/indicators?owner=OtherOrg&resultLimit=5000')).json;
  expect(first.next).toBe('/api/v3/indicators?owner=OtherOrg&resultLimit=5000&resultStart=5000');
  const second = (await call(emu.url, 'GET', first.next.replace(/^\/api/, ''))).json;
  expect(second.next).toBeUndefined();
  const summaries: Array<{ summary: string }> = [...first.data, ...second.data];
  expect(summaries.map((i) => i.summary)).toEqual(indicator.map((x) => x.summary));
  // and one item in ten by its own key (HTTP round trips dominate the run time)
  const paths = [
    ...group.filter((_, i) => i % 10 === 0).map((g) => `/v3/groups/${g.xid}?owner=OtherOrg`),
    ...indicator.filter((_, i) => i % 10 === 0).map((x) => `/v3/indicators/${x.summary}?owner=OtherOrg&type=Host`),
  ];
  const replies = await getMany(emu.url, paths);
  expect(replies.filter((r) => r.status === 200 && r.json.status === 'Success')).toHaveLength(1_000);
  const g0 = (await call(emu.url, 'GET', '/v3/groups/bulk-0?owner=OtherOrg')).json.data;
  expect(g0.associatedIndicators.data).toHaveLength(9);
});
