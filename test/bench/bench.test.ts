// The bench code paths in a tiny mode (issue 7). Nothing here asserts a speed: only that each side
// does the work it claims (exact item and chunk counts, the same content as the floor) and that the
// report is put together as documented.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SIDES, thirdPartyIndicators, writeFeed } from '../../bench/cases.js';
import { bench, formatReport, judge, type ChildResult } from '../../bench/index.js';
import { benchIp, floorAddresses, floorMixed } from '../../bench/floor.js';
import { Batch } from '../../src/batch/batch.js';

const inProcess = (side: string, n: number): ChildResult => {
  const r = SIDES[side]!(n);
  if (r instanceof Promise) throw new Error('async side');
  return { ...r, maxRSSKiB: 1024 };
};

describe('bench', () => {
  it('the floor and tcbatch produce the same Address chunks', () => {
    const floor: string[] = [];
    floorAddresses(12_000, (t) => floor.push(t));
    const batch = new Batch({ owner: 'MyOrg' });
    for (let i = 0; i < 12_000; i++) {
      const a = batch.address(benchIp(i));
      a.attribute('Description', `bench item ${i}`);
      a.tag('bench');
    }
    const ours = [...batch.chunks()].map((c) => c.content.indicator!.map((x) => ({ ...x, xid: '' })));
    const theirs = floor.map((t) => (JSON.parse(t) as { indicator: Array<Record<string, unknown>> }).indicator.map((x) => ({ ...x, xid: '' })));
    expect(ours.map((c) => c.length)).toEqual([5_000, 5_000, 2_000]);
    expect(ours).toEqual(theirs);
  });

  it('the mixed floor and tcbatch hold the same items', () => {
    let groups = 0;
    let indicators = 0;
    floorMixed(1_000, (t) => {
      const c = JSON.parse(t) as { group: unknown[]; indicator: unknown[] };
      groups += c.group.length;
      indicators += c.indicator.length;
    });
    expect({ groups, indicators }).toEqual({ groups: 100, indicators: 900 });
    expect(inProcess('mixed.tcbatch', 1_000)).toMatchObject({ items: 1_000, out: 1 });
  });

  it('every side runs in a tiny mode', async () => {
    expect(inProcess('address.floor', 6_000)).toMatchObject({ items: 6_000, out: 2 });
    expect(inProcess('address.tcbatch', 6_000)).toMatchObject({ items: 6_000, out: 2 });
    expect(inProcess('disk.tcbatch', 6_000)).toMatchObject({ items: 6_000, out: 2 });
    expect(inProcess('validate.standalone', 240)).toMatchObject({ items: 240, out: 240 });
    expect(inProcess('validate.ajv', 240)).toMatchObject({ items: 240, out: 240 });
    expect(thirdPartyIndicators(12).map((o) => o.type)).toEqual(['ASN', 'Address', 'CIDR', 'Email Subject', 'EmailAddress', 'File', 'Hashtag', 'Host', 'Mutex', 'Registry Key', 'URL', 'User Agent']);
    const submit = await SIDES['submit.tcbatch']!(300);
    expect({ items: submit.items, out: submit.out }).toEqual({ items: 300, out: 1 });
    expect(submit.extra!.clientCpuShare).toBeGreaterThan(0);
  }, 60_000);

  it('the end-to-end side writes the feed, runs tcbatch submit into the emulator child and reads both CPU times', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-feed-'));
    try {
      writeFeed(join(dir, 'f.ndjson'), 3);
      expect(readFileSync(join(dir, 'f.ndjson'), 'utf8')).toBe(
        [0, 1, 2].map((i) => `{"type":"Address","summary":"10.0.0.${i}","attribute":[{"type":"Description","value":"feed item ${i}"}],"tag":[{"name":"bench"}]}\n`).join(''),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    const e2e = await SIDES['e2e.tcbatch']!(300); // throws unless tcbatch submit exits 0 (every item succeeded)
    expect({ items: e2e.items, out: e2e.out }).toEqual({ items: 300, out: 1 });
    expect(e2e.extra!.clientCpuMs).toBeGreaterThan(0);
    expect(e2e.extra!.emulatorBusyMs).toBeGreaterThan(0);
  }, 120_000);

  it('bench() runs every case and judges the targets (tiny scale, in-process runner)', () => {
    // the async submit side is run on its own in the test above; here it is stubbed
    const runner = (side: string, n: number): ChildResult => (side === 'submit.tcbatch' || side === 'e2e.tcbatch' ? { ms: 1, items: n, out: 1, maxRSSKiB: 1 } : inProcess(side, n));
    const rows = bench(0.0001, runner);
    expect(rows.map((r) => [r.case, r.n])).toEqual([
      ['address', 10],
      ['address-half', 50],
      ['address', 100],
      ['mixed', 10],
      ['mixed', 100],
      ['validate', 10],
      ['submit', 10],
      ['e2e', 100],
      ['disk', 1_000],
    ]);
    expect(rows.map((r) => r.tcbatch.out)).toEqual([1, 1, 1, 1, 1, 10, 1, 1, 1]);
    expect(rows.find((r) => r.case === 'validate')!.baseline!.out).toBe(10);
  });

  it('judge and formatReport name each target as met or not', () => {
    const r = (ms: number, rss = 100 * 1024): ChildResult => ({ ms, items: 1, out: 1, maxRSSKiB: rss });
    const rows = [
      { case: 'address', n: 1_000_000, tcbatch: r(3_000), baseline: r(2_000), ratio: 1.5, itemsPerSecond: 333_333 },
      { case: 'address-half', n: 500_000, tcbatch: r(1_000), baseline: r(1_000), ratio: 1, itemsPerSecond: 500_000 },
      { case: 'validate', n: 100_000, tcbatch: r(130), baseline: r(100), ratio: 1.3, itemsPerSecond: 1 },
      { case: 'mixed', n: 1_000_000, tcbatch: r(4_000), baseline: r(2_000), ratio: 2, itemsPerSecond: 250_000 },
      { case: 'disk', n: 10_000_000, tcbatch: r(90_000, 300 * 1024), baseline: r(30_000), ratio: 3, itemsPerSecond: 1 },
      { case: 'e2e', n: 1_000_000, tcbatch: { ...r(40_000), extra: { clientCpuMs: 8_000, clientCpuShare: 0.2, emulatorBusyMs: 30_000, emulatorShare: 0.75 } }, itemsPerSecond: 25_000 },
    ];
    const targets = judge(rows, false);
    expect(targets.map((t) => [t.target, t.measured, t.met])).toEqual([
      ['1,000,000 Address: within 1.25x of the floor', '1.50x (3.00 s vs 2.00 s)', false],
      ['1,000,000 Address: peak RSS <= 400 MB (memory store)', '100 MB (floor 100 MB)', true],
      ['doubling N at most 2.2x the time', '3.00x (500,000 -> 1,000,000)', false],
      ['1,000,000 mixed: within 1.5x of the floor', '2.00x (4.00 s vs 2.00 s)', false],
      ['10,000,000 Address, disk store: peak RSS <= 256 MB', '300 MB', false],
      ['10,000,000 Address, disk store: within 3x of the floor', '3.00x (90.0 s)', true],
      ['emitted validators within 1.2x of in-process ajv', '1.30x', false],
      ['1,000,000-indicator feed through tcbatch submit: client CPU <= 25% of wall', '20.0% (wall 40.0 s, client CPU 8.0 s, emulator busy 30.0 s)', true],
    ]);
    expect(formatReport(rows, targets)).toContain('  [NOT met] emitted validators within 1.2x of in-process ajv: 1.30x');
  });
});
