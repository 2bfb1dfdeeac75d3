// DiskStore (issue 7): the same chunks as the memory store for the same calls (property test, with
// a tiny cache so items are evicted, written, restored and re-admitted all the time); changes made
// to a builder after it was evicted are kept (the reference's pickled shelf loses them); dedupe
// across eviction; file content survives eviction; a 200,000-item run stays in bounded memory.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batch } from '../../src/batch/batch.js';
import Database from 'better-sqlite3';
import { DiskStore } from '../../src/batch/disk-store.js';
import { XidIndex } from '../../src/batch/disk-index.js';
import type { GroupBuilder, IndicatorBuilder } from '../../src/model/builder.js';
import type { GroupTypeName } from '../../generated/catalog.js';

const tiny = () => new DiskStore({ cacheSize: 2, writeBatch: 2, runSize: 3, bloomBits: 1024 });

type Op =
  | { op: 'group'; type: string; name: string }
  | { op: 'ind'; type: 'Address' | 'Host' | 'URL'; v: string; rating?: number }
  | { op: 'attr'; t: number; value: string; displayed: boolean }
  | { op: 'tag'; t: number; name: string }
  | { op: 'label'; t: number; name: string; color?: string }
  | { op: 'assoc'; a: number; b: number }
  | { op: 'source'; t: number; value: string };

const word = fc.stringMatching(/^[a-z0-9]{1,6}$/);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('group' as const), type: fc.constantFrom('Adversary', 'Campaign', 'Incident', 'Threat'), name: word }),
  fc.record({
    op: fc.constant('ind' as const),
    type: fc.constantFrom('Address' as const, 'Host' as const, 'URL' as const),
    v: fc.integer({ min: 1, max: 40 }).map(String),
    rating: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
  }),
  fc.record({ op: fc.constant('attr' as const), t: fc.nat(), value: word, displayed: fc.boolean() }),
  fc.record({ op: fc.constant('tag' as const), t: fc.nat(), name: word }),
  fc.record({ op: fc.constant('label' as const), t: fc.nat(), name: fc.constantFrom('TLP:RED', 'TLP:AMBER'), color: fc.option(fc.constantFrom('FF0000', 'FFC000'), { nil: undefined }) }),
  fc.record({ op: fc.constant('assoc' as const), a: fc.nat(), b: fc.nat() }),
  fc.record({ op: fc.constant('source' as const), t: fc.nat(), value: word }),
);

/** Apply the calls to a batch; handles are kept and used long after they were added (and evicted). */
function run(batch: Batch, ops: readonly Op[]): void {
  const items: Array<GroupBuilder | IndicatorBuilder> = [];
  const groups: GroupBuilder[] = [];
  const attrs: Array<ReturnType<GroupBuilder['attribute']>> = [];
  for (const o of ops) {
    const pick = (i: number) => items[i % items.length]!;
    switch (o.op) {
      case 'group': {
        const g = batch.group(o.type as GroupTypeName, o.name);
        items.push(g);
        groups.push(g);
        break;
      }
      case 'ind': {
        const value = o.type === 'Address' ? `10.0.0.${o.v}` : o.type === 'Host' ? `h${o.v}.example.com` : `https://example.com/${o.v}`;
        const b = batch.indicator(o.type, value);
        if (o.rating !== undefined) b.addKeyValue('rating', o.rating);
        items.push(b);
        break;
      }
      case 'attr':
        if (items.length > 0) attrs.push(pick(o.t).attribute('Description', o.value, o.displayed));
        break;
      case 'source':
        if (attrs.length > 0) attrs[o.t % attrs.length]!.source = o.value; // a metadata setter, maybe on an evicted item
        break;
      case 'tag':
        if (items.length > 0) pick(o.t).tag(o.name);
        break;
      case 'label':
        if (items.length > 0) pick(o.t).securityLabel(o.name, undefined, o.color);
        break;
      case 'assoc':
        if (groups.length > 0 && items.length > 0) {
          const g = groups[o.a % groups.length]!;
          const other = pick(o.b);
          if (other.kind === 'group') g.association(other as GroupBuilder);
          else (other as IndicatorBuilder).association(g);
        }
        break;
    }
  }
}

const texts = (batch: Batch, maxItems: number) => [...batch.chunks({ maxItems })].map((c) => c.text);

describe('XidIndex (the disk store\'s xid -> seq index)', () => {
  it('finds every xid through sealed and merged runs when all hashes collide (confirmed against the row), and no other', () => {
    const db = new Database(':memory:');
    try {
      const rows = new Map<number, string>();
      const xidOf = (seq: number) => rows.get(seq);
      const collide = new XidIndex(db, 'c', 10, xidOf, () => 42);
      const buckets = new XidIndex(db, 'b', 10, xidOf, (x) => x.length % 3);
      const real = new XidIndex(db, 'r', 10, xidOf);
      for (let seq = 1; seq <= 700; seq++) {
        const xid = `xid-${seq * 7919}`;
        rows.set(seq, xid);
        for (const index of [collide, buckets, real]) index.add(xid, seq);
      }
      // 70 runs of 10: eight level-0 runs merge into one of level 1, eight of those into level 2
      const tables = db.prepare<[], string>("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'r_run%' ORDER BY name").pluck().all();
      expect(tables.length).toBe(7);
      for (const index of [collide, buckets, real]) {
        for (let seq = 1; seq <= 700; seq++) expect(index.get(`xid-${seq * 7919}`)).toBe(seq);
        expect(index.get('xid-1')).toBe(undefined);
        expect(index.get('')).toBe(undefined);
      }
    } finally {
      db.close();
    }
  });
});

describe('DiskStore', () => {
  it('gives the same chunks as the memory store for the same calls (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 80 }), fc.integer({ min: 1, max: 9 }), (ops, maxItems) => {
        const mem = new Batch({ owner: 'MyOrg' });
        const store = tiny();
        const disk = new Batch({ owner: 'MyOrg', store });
        try {
          run(mem, ops);
          run(disk, ops);
          expect(disk.counts).toEqual(mem.counts);
          const expected = texts(mem, maxItems);
          expect(texts(disk, maxItems)).toEqual(expected);
          expect(texts(disk, maxItems)).toEqual(expected); // repeatable
        } finally {
          store.close();
        }
      }),
      { numRuns: 60 },
    );
  });

  it('keeps changes made to a builder after it was evicted (exact JSON)', () => {
    const store = new DiskStore({ cacheSize: 1, writeBatch: 1 });
    const batch = new Batch({ owner: 'MyOrg', store });
    const first = batch.address('10.0.0.1');
    const attr = first.attribute('Description', 'before');
    for (let i = 2; i <= 5; i++) batch.address(`10.0.0.${i}`); // first is evicted and written
    first.rating = 3;
    first.tag('late');
    for (let i = 6; i <= 9; i++) batch.address(`10.0.0.${i}`); // evicted again
    attr.displayed = true; // a metadata setter on an evicted item
    for (let i = 10; i <= 12; i++) batch.address(`10.0.0.${i}`);
    const content = [...batch.chunks()][0]!.content;
    expect(content.indicator![0]).toEqual({
      summary: '10.0.0.1',
      type: 'Address',
      xid: first.xid,
      rating: 3,
      attribute: [{ type: 'Description', value: 'before', displayed: true }],
      tag: [{ name: 'late' }],
    });
    expect(content.indicator).toHaveLength(12);
    store.close();
  });

  it('dedupes by xid across eviction and returns the stored item, whose changes are kept', () => {
    const store = new DiskStore({ cacheSize: 1, writeBatch: 1, runSize: 2 });
    const batch = new Batch({ owner: 'MyOrg', store });
    const a = batch.adversary('adv-1');
    a.attribute('Description', 'first');
    for (let i = 0; i < 6; i++) batch.adversary(`other-${i}`);
    const again = batch.adversary('adv-1'); // restored from disk: first write wins
    expect(again.toJSON()).toEqual(a.toJSON());
    again.tag('from-restored');
    for (let i = 6; i < 12; i++) batch.adversary(`other-${i}`);
    expect(batch.counts).toEqual({ groups: 13, indicators: 0, associations: 0 });
    const groups = [...batch.chunks()].flatMap((c) => c.content.group!);
    expect(groups).toHaveLength(13);
    expect(groups[0]).toEqual({ name: 'adv-1', type: 'Adversary', xid: a.xid, attribute: [{ type: 'Description', value: 'first' }], tag: [{ name: 'from-restored' }] });
    store.close();
  });

  it('keeps Document content through eviction (pinned) and keeps association chains together', () => {
    const store = new DiskStore({ cacheSize: 1, writeBatch: 1 });
    const batch = new Batch({ owner: 'MyOrg', store });
    const doc = batch.document('doc-1', 'a.txt');
    doc.fileContent = 'hello';
    const e = batch.event('event-1');
    for (let i = 0; i < 5; i++) batch.adversary(`adv-${i}`);
    const last = batch.adversary('adv-last');
    doc.association(last); // doc was pinned; last is chained in after doc
    e.association(doc);
    const chunks = [...batch.chunks({ maxItems: 2 })];
    expect(chunks.map((c) => c.xids.group.length)).toEqual([2, 2, 2, 2]);
    expect(chunks[0]!.xids.group).toEqual([doc.xid, last.xid]);
    expect(chunks[0]!.files).toEqual([{ xid: doc.xid, type: 'Document', fileName: 'a.txt', content: 'hello' }]);
    expect(chunks.slice(1).flatMap((c) => c.files)).toEqual([]);
    store.close();
  });

  it('writes rows and sealed xid runs in multi-row statements with the same result (batches of 250, runs of 97 merged eight at a time)', () => {
    const store = new DiskStore({ cacheSize: 10, writeBatch: 250, runSize: 97, bloomBits: 1 << 12 });
    const disk = new Batch({ owner: 'MyOrg', store });
    const mem = new Batch({ owner: 'MyOrg' });
    try {
      for (const batch of [mem, disk]) {
        for (let i = 0; i < 3_000; i++) {
          const a = batch.address(`10.0.${i >> 8}.${i & 255}`);
          a.attribute('Description', `item ${i}`);
          if (i % 7 === 0) a.tag('seven');
        }
        // every item again, long after it was written: first write wins, a change is kept
        for (let i = 0; i < 3_000; i += 3) batch.address(`10.0.${i >> 8}.${i & 255}`).tag('again');
      }
      expect(disk.counts).toEqual({ groups: 0, indicators: 3_000, associations: 0 });
      const expected = texts(mem, 5_000);
      expect(texts(disk, 5_000)).toEqual(expected);
      const first = JSON.parse(expected[0]!).indicator[0];
      expect(first).toEqual({ summary: '10.0.0.0', type: 'Address', xid: mem.address('10.0.0.0').xid, attribute: [{ type: 'Description', value: 'item 0' }], tag: [{ name: 'seven' }, { name: 'again' }] });
    } finally {
      store.close();
    }
  });

  it('store: "disk" with storeDir puts the database there and close() removes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-test-'));
    const batch = new Batch({ owner: 'MyOrg', store: 'disk', storeDir: dir });
    batch.host('example.com').tag('x');
    expect(readdirSync(dir)).toHaveLength(1);
    expect([...batch.chunks()][0]!.text).toBe(`{"group":[],"indicator":[{"summary":"example.com","type":"Host","xid":"${batch.host('example.com').xid}","tag":[{"name":"x"}]}],"association":[]}`);
    batch.close();
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true, force: true });
  });

  // The bound: the tsx child starts at about 110 MB RSS (loader thread, compiled schemas); V8's old
  // space is capped at 64 MB, young space adds up to 3 x 16 MB, the Bloom filter is 16 MB and the SQLite
  // page cache 8 MB: about 215 MB at most, measured about 200 MB. The same run on the memory store
  // needs about 105 MB of live heap (527 bytes per Address builder) and cannot finish under that cap.
  it('runs 200,000 items within a memory bound, where the memory store cannot (child processes)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-mem-'));
    const script = join(import.meta.dirname, 'disk-run.ts');
    const root = join(import.meta.dirname, '../..');
    try {
      const out = execFileSync(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', script, '200000', dir], { encoding: 'utf8', cwd: root });
      const r = JSON.parse(out) as { chunks: number; indicators: number; maxRSSKiB: number };
      expect({ chunks: r.chunks, indicators: r.indicators }).toEqual({ chunks: 40, indicators: 200_000 });
      expect(r.maxRSSKiB).toBeLessThan(230 * 1024);
      expect(readdirSync(dir)).toEqual([]);
      const mem = spawnSync(process.execPath, ['--max-old-space-size=64', '--import', 'tsx', script, '200000', dir, 'memory'], { encoding: 'utf8', cwd: root });
      expect(mem.status).not.toBe(0);
      expect(mem.stderr).toMatch(/heap out of memory/i);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
