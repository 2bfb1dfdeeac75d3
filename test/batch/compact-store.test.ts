// CompactStore (issue 14), the default in-memory store: byte-identical chunks to the plain
// MemoryStore for random builder sequences (a window of 1 to 4 live items, so items are packed,
// changed after packing, rebuilt on access and repacked all the time), including changes made after
// adding through held builders and metadata handles, first write wins, raw items, escaped xids,
// multi-value indicators, file content and items that break a rule after they were added; xids
// that are 64 lowercase hex digits (kept as bytes), derived or given, and look-alikes that are not.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Batch } from '../../src/batch/batch.js';
import { CompactStore } from '../../src/batch/compact-store.js';
import { MemoryStore } from '../../src/batch/store.js';
import type { Attribute } from '../../src/model/metadata.js';
import type { GroupBuilder, IndicatorBuilder } from '../../src/model/builder.js';
import type { GroupTypeName } from '../../generated/catalog.js';

type Handle = GroupBuilder | IndicatorBuilder;

const word = fc.stringMatching(/^[a-z0-9]{1,5}$/);
/** Any code points: quotes, backslashes, control characters, astral planes (JSON escapes). */
const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 12 });
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
const xidArb = fc.option(fc.oneof(word, fc.constantFrom('x"1', 'x\\2', 'ä-xid', '"xid":"', 'x\u0001', 'ab'.repeat(32), 'AB'.repeat(32), `${'0'.repeat(63)}g`)), {
  nil: undefined,
});

type Op =
  | { op: 'group'; type: string; name: string; xid: string | undefined }
  | { op: 'doc'; name: string; content: string | undefined }
  | { op: 'ind'; type: 'Address' | 'Host' | 'URL' | 'Email Subject'; v: string; xid: string | undefined }
  | { op: 'file'; md5: string | undefined; sha1: string | undefined; sha256: string }
  | { op: 'regkey'; key: string; value: string }
  | { op: 'raw'; v: string; group: boolean }
  | { op: 'attr'; t: number; value: string; displayed: boolean }
  | { op: 'source'; t: number; value: string }
  | { op: 'tag'; t: number; name: string }
  | { op: 'label'; t: number; name: string; color: string | undefined }
  | { op: 'rating'; t: number; rating: number | undefined }
  | { op: 'assoc'; a: number; b: number }
  | { op: 'content'; t: number; content: string | undefined }
  | { op: 'malware'; t: number; password: string | undefined };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      op: fc.constant('group' as const),
      type: fc.constantFrom('Adversary', 'Campaign', 'Incident', 'Threat'),
      name: fc.oneof(word, anyText),
      xid: xidArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('doc' as const),
      name: word,
      content: fc.option(anyText, { nil: undefined }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      op: fc.constant('ind' as const),
      type: fc.constantFrom('Address' as const, 'Host' as const, 'URL' as const, 'Email Subject' as const),
      v: fc.integer({ min: 1, max: 30 }).map(String),
      xid: xidArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('file' as const),
      md5: fc.option(hex(32), { nil: undefined }),
      sha1: fc.option(hex(40), { nil: undefined }),
      sha256: hex(64),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ op: fc.constant('regkey' as const), key: word, value: fc.constantFrom('v', 'a : b') }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('raw' as const),
      v: fc.integer({ min: 1, max: 9 }).map(String),
      group: fc.boolean(),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('attr' as const),
      t: fc.nat(),
      value: fc.oneof(word, anyText),
      displayed: fc.boolean(),
    }),
  },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('source' as const), t: fc.nat(), value: word }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('tag' as const), t: fc.nat(), name: fc.oneof(word, anyText) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('label' as const),
      t: fc.nat(),
      name: fc.constantFrom('TLP:RED', 'TLP:AMBER'),
      color: fc.option(fc.constantFrom('FF0000', 'FFC000'), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('rating' as const),
      t: fc.nat(),
      rating: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('assoc' as const), a: fc.nat(), b: fc.nat() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('content' as const),
      t: fc.nat(),
      content: fc.option(word, { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('malware' as const),
      t: fc.nat(),
      password: fc.option(word, { nil: undefined }),
    }),
  },
);

/**
 * Apply the calls to a batch. Every add returns the stored item (first write wins); the test then
 * uses that handle for the item (as a feed would: the handle the batch returned last), and keeps
 * using held handles and attribute objects long after the item was packed.
 */
function run(batch: Batch, ops: readonly Op[]): string[] {
  const errors: string[] = [];
  const order: string[] = []; // `${kind}:${xid}` of each add, with repeats
  const latest = new Map<string, Handle>();
  const attrs = new Map<string, Attribute[]>();
  const docs: string[] = [];
  const keep = (b: Handle) => {
    const key = `${b.kind}:${b.xid}`;
    if (latest.get(key) !== b) attrs.delete(key); // attribute objects of an older handle are not used again
    latest.set(key, b);
    order.push(key);
    if (b.type === 'Document') docs.push(key);
  };
  const pick = (i: number) => latest.get(order[i % order.length]!)!;
  for (const o of ops) {
    try {
      apply(o);
    } catch (e) {
      errors.push(String(e)); // e.g. an xid used by another type: the same error from both stores
    }
  }
  return errors;

  function apply(o: Op): void {
    switch (o.op) {
      case 'group':
        keep(batch.group(o.type as GroupTypeName, o.name, o.xid));
        break;
      case 'doc': {
        const d = batch.document(o.name, `${o.name}.txt`);
        if (o.content !== undefined) d.fileContent = o.content;
        keep(d);
        break;
      }
      case 'ind': {
        const value =
          o.type === 'Address'
            ? `10.0.0.${o.v}`
            : o.type === 'Host'
              ? `h${o.v}.example.com`
              : o.type === 'URL'
                ? `https://example.com/${o.v}`
                : `subject "${o.v}" \\ ü`;
        keep(batch.indicator(o.type, value, undefined, undefined, o.xid));
        break;
      }
      case 'file':
        keep(batch.file({ md5: o.md5, sha1: o.sha1, sha256: o.sha256 }));
        break;
      case 'regkey':
        keep(
          batch.registryKey({
            keyName: `HKEY_LOCAL_MACHINE\\Software\\${o.key}`,
            valueName: o.value,
            valueType: 'REG_SZ',
          }),
        );
        break;
      case 'raw':
        if (o.group)
          batch.addGroup({ type: 'Incident', name: `raw ${o.v}`, xid: `raw-g-${o.v}`, tag: [{ name: 'raw' }] });
        else batch.addIndicator({ type: 'Host', summary: `raw${o.v}.example.com`, xid: `raw-i-${o.v}`, rating: 3 });
        break;
      case 'attr':
        if (order.length > 0) {
          const b = pick(o.t);
          const list = attrs.get(`${b.kind}:${b.xid}`) ?? [];
          list.push(b.attribute('Description', o.value, o.displayed));
          attrs.set(`${b.kind}:${b.xid}`, list);
        }
        break;
      case 'source': {
        const all = [...attrs.values()].flat();
        if (all.length > 0) all[o.t % all.length]!.source = o.value; // a metadata setter, maybe on a packed item
        break;
      }
      case 'tag':
        if (order.length > 0) pick(o.t).tag(o.name);
        break;
      case 'label':
        if (order.length > 0) pick(o.t).securityLabel(o.name, undefined, o.color);
        break;
      case 'rating': {
        const b = order.length > 0 ? pick(o.t) : undefined;
        if (b?.kind === 'indicator') b.addKeyValue('rating', o.rating);
        break;
      }
      case 'assoc':
        if (order.length > 1) {
          const a = pick(o.a);
          const b = pick(o.b);
          if (a.kind === 'group' && b.kind === 'group') (a as GroupBuilder).association(b as GroupBuilder);
          else if (a.kind === 'group') (b as IndicatorBuilder).association(a as GroupBuilder);
          else if (b.kind === 'group') (a as IndicatorBuilder).association(b as GroupBuilder);
        }
        break;
      case 'content':
        if (docs.length > 0)
          (latest.get(docs[o.t % docs.length]!) as ReturnType<Batch['document']>).fileContent = o.content;
        break;
      case 'malware': // a malware Document needs a password: breaks the rule until one is set
        if (docs.length > 0) {
          const d = latest.get(docs[o.t % docs.length]!) as ReturnType<Batch['document']>;
          d.malware = true;
          d.password = o.password;
        }
        break;
    }
  }
}

type Outcome = { texts: string[]; files: unknown[] } | { error: string };
const outcome = (batch: Batch, maxItems: number): Outcome => {
  try {
    const chunks = [...batch.chunks({ maxItems })];
    return { texts: chunks.map((c) => c.text), files: chunks.flatMap((c) => c.files) };
  } catch (e) {
    return { error: String(e) };
  }
};

describe('CompactStore', () => {
  it('gives byte-identical chunks to the MemoryStore for the same calls (property)', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 100 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 9 }),
        (ops, window, maxItems) => {
          const mem = new Batch({ owner: 'MyOrg', store: new MemoryStore() });
          const compact = new Batch({ owner: 'MyOrg', store: new CompactStore({ window }) });
          expect(run(compact, ops)).toEqual(run(mem, ops));
          expect(compact.counts).toEqual(mem.counts);
          const expected = outcome(mem, maxItems);
          expect(outcome(compact, maxItems)).toEqual(expected);
          expect(outcome(compact, maxItems)).toEqual(expected); // repeatable
          // changes after chunking are kept too
          expect(run(compact, ops.slice(0, 20))).toEqual(run(mem, ops.slice(0, 20)));
          expect(outcome(compact, maxItems)).toEqual(outcome(mem, maxItems));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('is the default store of a Batch', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    expect((batch as unknown as { store: unknown }).store).toBeInstanceOf(CompactStore);
    expect((new Batch({ owner: 'MyOrg', store: 'memory' }) as unknown as { store: unknown }).store).toBeInstanceOf(
      CompactStore,
    );
  });

  it('keeps a change made to a held builder after it was packed (exact JSON), and first write wins', () => {
    const batch = new Batch({ owner: 'MyOrg', store: new CompactStore({ window: 1 }) });
    const first = batch.address('10.0.0.1');
    const attr = first.attribute('Description', 'before');
    for (let i = 2; i <= 5; i++) batch.address(`10.0.0.${i}`); // first is packed
    first.rating = 3;
    first.tag('late');
    for (let i = 6; i <= 9; i++) batch.address(`10.0.0.${i}`); // packed again
    attr.displayed = true; // a metadata setter on a packed item
    const again = batch.address('10.0.0.1', 5); // first write wins: the rating argument is ignored
    expect(again.toJSON()).toEqual(first.toJSON());
    expect([...batch.chunks()][0]!.content.indicator![0]).toEqual({
      summary: '10.0.0.1',
      type: 'Address',
      xid: first.xid,
      rating: 3,
      attribute: [{ type: 'Description', value: 'before', displayed: true }],
      tag: [{ name: 'late' }],
    });
  });

  it('a builder rebuilt on access is the same object until it is packed again; the object changed last holds the state', () => {
    const batch = new Batch({ owner: 'MyOrg', store: new CompactStore({ window: 2 }) });
    const h1 = batch.host('a.example.com');
    for (let i = 0; i < 5; i++) batch.host(`h${i}.example.com`); // h1 packed
    const h2 = batch.host('a.example.com');
    expect(h2).not.toBe(h1); // rebuilt from its JSON
    expect(batch.host('a.example.com')).toBe(h2); // live until repacked
    h2.tag('from-h2');
    h1.tag('from-h1'); // h1 does not know h2's tag: h1's whole state wins
    expect([...batch.chunks()][0]!.content.indicator![0]!.tag).toEqual([{ name: 'from-h1' }]);
  });

  it('an item whose JSON is larger than a quarter slab (own slab) and non-ASCII items around it', () => {
    const make = (store: MemoryStore | CompactStore) => {
      const batch = new Batch({ owner: 'MyOrg', store });
      for (let i = 0; i < 3; i++) batch.adversary(`before ${i} ü`).tag('é');
      const big = batch.adversary('big');
      for (let i = 0; i < 1_500; i++) big.attribute('Description', `${i} ${'x'.repeat(1_000)}`); // 1.5 MB of JSON
      for (let i = 0; i < 3; i++) batch.adversary(`after ${i} 😀`).tag('ascii');
      return batch;
    };
    const expected = outcome(make(new MemoryStore()), 2);
    expect(outcome(make(new CompactStore({ window: 1 })), 2)).toEqual(expected);
    expect(outcome(make(new CompactStore({ window: 3 })), 3)).toEqual(outcome(make(new MemoryStore()), 3));
  });

  it('an item that breaks a rule after it was added raises the same error as with the MemoryStore', () => {
    const make = (store: MemoryStore | CompactStore) => {
      const batch = new Batch({ owner: 'MyOrg', store });
      const d = batch.document('malware-doc', 'm.exe');
      for (let i = 0; i < 5; i++) batch.adversary(`adv-${i}`);
      d.malware = true; // needs a password
      return batch;
    };
    const expected = outcome(make(new MemoryStore()), 5);
    expect(expected).toMatchObject({ error: expect.stringMatching(/password/) });
    expect(outcome(make(new CompactStore({ window: 1 })), 5)).toEqual(expected);
  });
});
