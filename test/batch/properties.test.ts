// Property tests (fast-check) of the batch model and the chunker: random sequences of builder
// calls (all three interfaces, metadata, associations) give chunks the generated content validator
// accepts; chunking keeps every item exactly once, groups before indicators before associations,
// association chains together; chunk bytes/text/content agree; chunking is repeatable. Plus
// deterministic edge cases: a 10,000-long association chain, a cycle, and 30,000 indicators.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  Batch,
  groupTypes,
  indicatorTypes,
  validateBatchContent,
  type Chunk,
  type ChunkLimits,
  type GroupBuilder,
  type GroupTypeInfo,
  type IndicatorBuilder,
  type IndicatorTypeInfo,
  type XidInput,
} from '../../src/index.js';
import type { GroupInput, IndicatorInput } from '../../src/batch/core.js';
import type { GroupTypeName, IndicatorTypeName } from '../../generated/catalog.js';

type Json = Record<string, unknown>;

const GROUP_TYPES = Object.keys(groupTypes);
const groupInfo = (t: string) => (groupTypes as Record<string, GroupTypeInfo>)[t]!;
const indicatorInfo = (t: string) => (indicatorTypes as Record<string, IndicatorTypeInfo>)[t]!;

// ---------------------------------------------------------------------------------------------
// Arbitraries

const word = fc.stringMatching(/^[a-z0-9]{1,12}$/);
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });
/** Any code points (control characters, astral planes): 1 to 30 of them, well within 100. */
// ThreatConnect refuses whitespace-only names, tags and values (issue 12 defect 13): the generator makes none
const anyText = fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }).filter((s) => /\S/.test(s));
const octet = fc.integer({ min: 1, max: 254 });

/** Valid value slots per indicator type, in catalogue order (undefined = slot not given). */
const INDICATOR_VALUES: Record<string, fc.Arbitrary<Array<string | undefined>>> = {
  ASN: fc.integer({ min: 1, max: 4_294_967_295 }).map((n) => [`ASN${n}`]),
  Address: fc.tuple(octet, octet, octet, octet).map((o) => [o.join('.')]),
  CIDR: fc.tuple(octet, octet, fc.integer({ min: 16, max: 32 })).map(([a, b, p]) => [`10.${a}.${b}.0/${p}`]),
  'Email Subject': anyText.map((s) => [s]),
  EmailAddress: fc.tuple(word, word).map(([u, d]) => [`${u}@${d}.example.com`]),
  File: fc
    .record({ md5: fc.option(hex(32), { nil: undefined }), sha1: fc.option(hex(40), { nil: undefined }), sha256: fc.option(hex(64), { nil: undefined }) })
    .filter((h) => h.md5 !== undefined || h.sha1 !== undefined || h.sha256 !== undefined)
    .map((h) => [h.md5, h.sha1, h.sha256]),
  Hashtag: word.map((w) => [`#${w}`]),
  Host: fc.tuple(word, fc.constantFrom('com', 'org', 'net')).map(([w, tld]) => [`${w}.example.${tld}`]),
  Mutex: anyText.map((s) => [s]),
  'Registry Key': fc
    .tuple(fc.constantFrom('HKEY_LOCAL_MACHINE', 'HKEY_CURRENT_USER'), word, word, fc.constantFrom('REG_SZ', 'REG_DWORD', 'REG_BINARY'))
    .map(([hive, key, value, type]) => [`${hive}\\Software\\${key}`, value, type]),
  URL: fc.tuple(word, word).map(([h, p]) => [`http://${h}.example.com/${p}`]),
  'User Agent': anyText.map((s) => [`Mozilla/5.0 (${s})`]),
};
const INDICATOR_ARB_TYPES = Object.keys(INDICATOR_VALUES);

type XidMode = 'default' | 'random' | 'explicit';
const xidMode = fc.constantFrom<XidMode>('default', 'random', 'explicit');
const via = fc.constantFrom(0, 1, 2, 3); // Interface 1 positional, 1 options, 2, 3
const index = fc.nat({ max: 1_000 });

type Cmd =
  | { k: 'group'; type: string; name: string; via: number; xid: XidMode; assoc: number | undefined }
  | { k: 'indicator'; type: string; values: Array<string | undefined>; rating: number | undefined; confidence: number | undefined; via: number; xid: XidMode }
  | { k: 'attribute'; onGroup: boolean; target: number; type: string; value: string; displayed: boolean; source: string | undefined }
  | { k: 'tag'; onGroup: boolean; target: number; name: string }
  | { k: 'label'; onGroup: boolean; target: number; name: string; description: string | undefined; color: string | undefined }
  | { k: 'occurrence'; target: number; fileName: string | undefined; path: string | undefined; date: Date | undefined }
  | { k: 'groupToGroup'; from: number; to: number }
  | { k: 'groupToExternal'; from: number; xid: string }
  | { k: 'indicatorToGroup'; from: number; to: number }
  | { k: 'groupToIndicator'; from: number; to: number }
  | { k: 'top'; aGroup: boolean; a: number; bGroup: boolean; b: number; associationType: string | undefined };

const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ k: fc.constant('group' as const), type: fc.constantFrom(...GROUP_TYPES), name: anyText, via, xid: xidMode, assoc: fc.option(index, { nil: undefined }) }) },
  {
    weight: 5,
    arbitrary: fc.constantFrom(...INDICATOR_ARB_TYPES).chain((type) =>
      fc.record({
        k: fc.constant('indicator' as const),
        type: fc.constant(type),
        values: INDICATOR_VALUES[type]!,
        rating: fc.option(fc.integer({ min: 0, max: 5 }), { nil: undefined }),
        confidence: fc.option(fc.integer({ min: 0, max: 100 }), { nil: undefined }),
        via,
        xid: xidMode,
      }),
    ),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('attribute' as const),
      onGroup: fc.boolean(),
      target: index,
      type: fc.constantFrom('Description', 'Source', 'Additional Analysis and Context'),
      value: anyText,
      displayed: fc.boolean(),
      source: fc.option(word, { nil: undefined }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('tag' as const), onGroup: fc.boolean(), target: index, name: anyText }) },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('label' as const),
      onGroup: fc.boolean(),
      target: index,
      name: fc.constantFrom('TLP:RED', 'TLP:AMBER', 'TLP:GREEN', 'TLP:CLEAR'),
      description: fc.option(anyText, { nil: undefined }),
      color: fc.option(hex(6), { nil: undefined }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      k: fc.constant('occurrence' as const),
      target: index,
      fileName: fc.option(word.map((w) => `${w}.exe`), { nil: undefined }),
      path: fc.option(word.map((w) => `C:\\${w}\\`), { nil: undefined }),
      date: fc.option(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2030-01-01T00:00:00Z'), noInvalidDate: true }), { nil: undefined }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ k: fc.constant('groupToGroup' as const), from: index, to: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('groupToExternal' as const), from: index, xid: word.map((w) => `owner-${w}`) }) },
  { weight: 2, arbitrary: fc.record({ k: fc.constant('indicatorToGroup' as const), from: index, to: index }) },
  { weight: 1, arbitrary: fc.record({ k: fc.constant('groupToIndicator' as const), from: index, to: index }) },
  {
    weight: 2,
    arbitrary: fc.record({
      k: fc.constant('top' as const),
      aGroup: fc.boolean(),
      a: index,
      bGroup: fc.boolean(),
      b: index,
      associationType: fc.option(fc.constantFrom('Resolves To', 'Uses'), { nil: undefined }),
    }),
  },
);

const commands = fc.array(cmd, { minLength: 0, maxLength: 80, size: 'max' });

const limitsArb: fc.Arbitrary<ChunkLimits> = fc.record({
  maxItems: fc.integer({ min: 1, max: 50 }),
  maxBytes: fc.integer({ min: 200, max: 5_000 }),
  maxIndicators: fc.integer({ min: 1, max: 30 }),
});

// ---------------------------------------------------------------------------------------------
// Running commands against a Batch, tracking what was added

interface Item {
  xid: string;
  toJSON(): Json;
}

interface Built {
  batch: Batch;
  /** Every group added (builders and Interface 3 items), by xid, first write wins. */
  groups: Map<string, Item>;
  indicators: Map<string, Item>;
  /** Summary and type of each indicator, by xid. */
  indicatorRefs: Map<string, { summary: string; type: string }>;
  /** The stored top-level association entries (the batch returns the stored one on a duplicate). */
  associations: Set<Json>;
}

function callMethod<B>(b: Batch, method: string, args: unknown[]): B {
  const fn = (b as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`Batch has no method ${method}`);
  return fn.apply(b, args) as B;
}

function run(cmds: readonly Cmd[]): Built {
  const batch = new Batch({ owner: 'MyOrg' });
  const groups = new Map<string, Item>();
  const indicators = new Map<string, Item>();
  const indicatorRefs = new Map<string, { summary: string; type: string }>();
  const associations = new Set<Json>();
  const groupBuilders: GroupBuilder[] = [];
  const indicatorBuilders: IndicatorBuilder[] = [];
  const groupXids: string[] = [];
  const indicatorXids: string[] = [];
  let counter = 0;
  const pick = <T>(list: readonly T[], i: number): T | undefined => (list.length === 0 ? undefined : list[i % list.length]);
  const xidOf = (mode: XidMode): XidInput => (mode === 'default' ? undefined : mode === 'random' ? false : `x-${counter++}`);

  for (const c of cmds) {
    switch (c.k) {
      case 'group': {
        const info = groupInfo(c.type);
        const args = info.args.map((a) => info.fields[a]?.enum?.[0] ?? `${a}-value`);
        let item: Item;
        if (c.via === 3) {
          const raw: Json = { name: c.name, type: c.type, xid: `raw-g-${counter++}` };
          info.args.forEach((a, i) => (raw[a] = args[i]));
          const target = c.assoc === undefined ? undefined : pick(groupXids, c.assoc);
          if (target !== undefined) raw.associatedGroupXid = [target];
          item = batch.addGroup(raw as GroupInput);
        } else {
          const xid = xidOf(c.xid);
          let g: GroupBuilder;
          if (c.via === 0) g = callMethod(batch, info.method, [c.name, ...args, xid]);
          else if (c.via === 1) {
            const options: Json = { name: c.name, xid };
            info.args.forEach((a, i) => (options[a] = args[i]));
            g = callMethod(batch, info.method, [options]);
          } else {
            g = batch.group(c.type as GroupTypeName, c.name, xid);
            info.args.forEach((a, i) => g.addKeyValue(a, args[i]));
          }
          groupBuilders.push(g);
          item = g;
        }
        if (!groups.has(item.xid)) groupXids.push(item.xid);
        groups.set(item.xid, item);
        break;
      }
      case 'indicator': {
        const info = indicatorInfo(c.type);
        const summary = c.values.filter((v) => v !== undefined).join(' : ');
        let item: Item;
        if (c.via === 3) {
          const raw: Json = { summary, type: c.type, xid: `raw-i-${counter++}` };
          if (c.rating !== undefined) raw.rating = c.rating;
          if (c.confidence !== undefined) raw.confidence = c.confidence;
          item = batch.addIndicator(raw as IndicatorInput);
        } else {
          const xid = xidOf(c.xid);
          let ind: IndicatorBuilder;
          if (c.via === 0) ind = callMethod(batch, info.method, [...c.values, c.rating, c.confidence, xid]);
          else if (c.via === 1) {
            const options: Json = { rating: c.rating, confidence: c.confidence, xid };
            info.values.forEach((v, i) => (options[v.arg] = c.values[i]));
            ind = callMethod(batch, info.method, [options]);
          } else ind = batch.indicator(c.type as IndicatorTypeName, summary, c.rating as never, c.confidence as never, xid);
          indicatorBuilders.push(ind);
          item = ind;
        }
        if (!indicators.has(item.xid)) indicatorXids.push(item.xid);
        indicators.set(item.xid, item);
        indicatorRefs.set(item.xid, { summary, type: c.type });
        break;
      }
      case 'attribute': {
        const t = c.onGroup ? pick(groupBuilders, c.target) : pick(indicatorBuilders, c.target);
        t?.attribute(c.type, c.value, c.displayed, c.source);
        break;
      }
      case 'tag': {
        const t = c.onGroup ? pick(groupBuilders, c.target) : pick(indicatorBuilders, c.target);
        t?.tag(c.name);
        break;
      }
      case 'label': {
        const t = c.onGroup ? pick(groupBuilders, c.target) : pick(indicatorBuilders, c.target);
        t?.securityLabel(c.name, c.description, c.color);
        break;
      }
      case 'occurrence': {
        const files = indicatorBuilders.filter((b) => b.type === 'File') as Array<IndicatorBuilder & { occurrence(f?: string, p?: string, d?: Date): unknown }>;
        pick(files, c.target)?.occurrence(c.fileName, c.path, c.date);
        break;
      }
      case 'groupToGroup': {
        const from = pick(groupBuilders, c.from);
        const to = pick(groupXids, c.to);
        if (from && to !== undefined) from.association(to);
        break;
      }
      case 'groupToExternal':
        pick(groupBuilders, c.from)?.association(c.xid);
        break;
      case 'indicatorToGroup': {
        const from = pick(indicatorBuilders, c.from);
        const to = pick(groupXids, c.to);
        if (from && to !== undefined) from.association(to);
        break;
      }
      case 'groupToIndicator': {
        const from = pick(groupBuilders, c.from);
        const to = pick(indicatorXids, c.to);
        if (from && to !== undefined) from.indicatorAssociation(indicatorRefs.get(to)!);
        break;
      }
      case 'top': {
        const side = (isGroup: boolean, i: number): { ref: string; type?: string } | undefined => {
          if (isGroup) {
            const xid = pick(groupXids, i);
            return xid === undefined ? undefined : { ref: xid };
          }
          const xid = pick(indicatorXids, i);
          return xid === undefined ? undefined : { ref: indicatorRefs.get(xid)!.summary, type: indicatorRefs.get(xid)!.type };
        };
        const a = side(c.aGroup, c.a);
        const b = side(c.bGroup, c.b);
        if (a && b) {
          associations.add(batch.association({ ref_1: a.ref, type_1: a.type, ref_2: b.ref, type_2: b.type, associationType: c.associationType }));
        }
        break;
      }
    }
  }
  return { batch, groups, indicators, indicatorRefs, associations };
}

const sorted = (xs: Iterable<string>) => [...xs].sort();

// ---------------------------------------------------------------------------------------------

describe('generators cover the catalogue', () => {
  it('every indicator type of the catalogue has a value arbitrary', () => {
    expect(Object.keys(indicatorTypes).filter((t) => !INDICATOR_VALUES[t])).toStrictEqual([]);
  });
});

describe('property: random builder calls give valid content', () => {
  it('every chunk passes validateBatchContent, and counts match what was added', () => {
    fc.assert(
      fc.property(commands, (cmds) => {
        const built = run(cmds);
        expect(built.batch.counts).toStrictEqual({ groups: built.groups.size, indicators: built.indicators.size, associations: built.associations.size });
        for (const chunk of built.batch.chunks()) {
          const result = validateBatchContent(chunk.content);
          // the issues are printed when a chunk is refused
          expect({ chunk: chunk.index, issues: result.issues }).toStrictEqual({ chunk: chunk.index, issues: [] });
          expect(result.valid).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('also with small random limits', () => {
    fc.assert(
      fc.property(commands, limitsArb, (cmds, limits) => {
        for (const chunk of run(cmds).batch.chunks(limits)) {
          const result = validateBatchContent(chunk.content);
          expect({ chunk: chunk.index, issues: result.issues }).toStrictEqual({ chunk: chunk.index, issues: [] });
          expect(result.valid).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
  });
});

/** Check every chunking invariant of `chunks` against what `built` holds. */
function checkChunks(built: Built, chunks: Chunk[], limits: Required<Omit<ChunkLimits, 'validate' | 'onInvalid'>>): void {
  const groupsSeen: string[] = [];
  const indicatorsSeen: string[] = [];
  const associationsSeen: string[] = [];
  const chunkOfGroup = new Map<string, number>();
  let indicatorSeen = false;
  let associationSeen = false;
  chunks.forEach((chunk, i) => {
    expect(chunk.index).toBe(i);
    // (c) bytes, text and content agree
    expect(chunk.bytes).toBe(Buffer.byteLength(chunk.text));
    const content = chunk.content as unknown as { group: Json[]; indicator: Json[]; association: Json[] };
    expect(JSON.parse(chunk.text)).toStrictEqual(content);
    expect(Object.keys(content)).toStrictEqual(['group', 'indicator', 'association']);
    expect(chunk.counts).toStrictEqual({ group: content.group.length, indicator: content.indicator.length, association: content.association.length });
    expect(chunk.xids).toStrictEqual({ group: content.group.map((g) => g.xid), indicator: content.indicator.map((x) => x.xid) });
    expect(content.group.length + content.indicator.length + content.association.length).toBeGreaterThan(0);

    // every item is the JSON of what was added
    for (const g of content.group) {
      const xid = g.xid as string;
      expect(g).toStrictEqual(built.groups.get(xid)?.toJSON());
      groupsSeen.push(xid);
      chunkOfGroup.set(xid, i);
    }
    for (const ind of content.indicator) {
      expect(ind).toStrictEqual(built.indicators.get(ind.xid as string)?.toJSON());
      indicatorsSeen.push(ind.xid as string);
    }
    for (const a of content.association) associationsSeen.push(JSON.stringify(a));

    // order: groups, then indicators, then associations
    if (indicatorSeen || associationSeen) expect({ chunk: i, groups: content.group.length }).toStrictEqual({ chunk: i, groups: 0 });
    if (associationSeen) expect({ chunk: i, indicators: content.indicator.length }).toStrictEqual({ chunk: i, indicators: 0 });
    if (content.indicator.length > 0) indicatorSeen = true;
    if (content.association.length > 0) associationSeen = true;

    // limits: indicators always; items and bytes whenever no group chain is involved
    expect(content.indicator.length).toBeLessThanOrEqual(limits.maxIndicators);
    const items = chunk.counts.group + chunk.counts.indicator + chunk.counts.association;
    if (chunk.counts.group === 0) {
      expect(items).toBeLessThanOrEqual(limits.maxItems);
      if (items > 1) expect(chunk.bytes).toBeLessThanOrEqual(limits.maxBytes);
    }
  });

  // (b) each item exactly once
  expect(sorted(groupsSeen)).toStrictEqual(sorted(built.groups.keys()));
  expect(sorted(indicatorsSeen)).toStrictEqual(sorted(built.indicators.keys()));
  expect(sorted(associationsSeen)).toStrictEqual(sorted([...built.associations].map((a) => JSON.stringify(a))));

  // a group associated with a group of the batch that was not emitted earlier is in the same chunk
  for (const [xid, i] of chunkOfGroup) {
    const json = built.groups.get(xid)!.toJSON();
    for (const other of (json.associatedGroupXid as string[] | undefined) ?? []) {
      const j = chunkOfGroup.get(other);
      if (j === undefined) continue; // a group of the owner, not of this batch
      expect({ group: xid, associated: other, chunk: j }).toStrictEqual({ group: xid, associated: other, chunk: Math.min(j, i) });
    }
  }
}

describe('property: chunking', () => {
  it('keeps every item exactly once, in order, chains together, within limits; bytes/text/content agree', () => {
    fc.assert(
      fc.property(commands, limitsArb, (cmds, limits) => {
        const built = run(cmds);
        const chunks = [...built.batch.chunks(limits)];
        checkChunks(built, chunks, limits as Required<Omit<ChunkLimits, 'validate' | 'onInvalid'>>);
      }),
      { numRuns: 100 },
    );
  });

  it('with default limits everything fits in one chunk', () => {
    fc.assert(
      fc.property(commands, (cmds) => {
        const built = run(cmds);
        const chunks = [...built.batch.chunks()];
        expect(chunks).toHaveLength(built.groups.size + built.indicators.size + built.associations.size === 0 ? 0 : 1);
        checkChunks(built, chunks, { maxItems: 5_000, maxBytes: 75_000_000, maxIndicators: 25_000 });
      }),
      { numRuns: 50 },
    );
  });

  it('iterating chunks() twice gives identical texts (the batch is not consumed)', () => {
    fc.assert(
      fc.property(commands, limitsArb, (cmds, limits) => {
        const { batch } = run(cmds);
        const first = [...batch.chunks(limits)].map((c) => c.text);
        const second = [...batch.chunks(limits)].map((c) => c.text);
        expect(second).toStrictEqual(first);
        expect(first.length > 0).toBe(batch.counts.groups + batch.counts.indicators + batch.counts.associations > 0);
      }),
      { numRuns: 50 },
    );
  });
});

describe('chunking edge cases', () => {
  it('a 10,000-long association chain stays in one chunk, without stack overflow', () => {
    const batch = new Batch();
    const groups = Array.from({ length: 10_000 }, (_, i) => batch.adversary(`chain-${i}`, `c-${i}`));
    for (let i = 0; i + 1 < groups.length; i++) groups[i]!.association(groups[i + 1]!);
    batch.address('192.0.2.1', undefined, undefined, 'ind-1');
    const chunks = [...batch.chunks({ maxItems: 100 })];
    expect(chunks.map((c) => c.counts)).toStrictEqual([
      { group: 10_000, indicator: 0, association: 0 },
      { group: 0, indicator: 1, association: 0 },
    ]);
    expect(chunks[0]!.xids.group).toStrictEqual(groups.map((_, i) => `c-${i}`));
    expect(chunks[0]!.content.group![9_998]).toStrictEqual({ name: 'chain-9998', type: 'Adversary', xid: 'c-9998', associatedGroupXid: ['c-9999'] });
    expect(chunks[0]!.content.group![9_999]).toStrictEqual({ name: 'chain-9999', type: 'Adversary', xid: 'c-9999' });
  });

  it('a chain added in reverse order (the last link first) is still one chunk', () => {
    const batch = new Batch();
    const groups = Array.from({ length: 10_000 }, (_, i) => batch.adversary(`chain-${i}`, `c-${i}`));
    for (let i = groups.length - 1; i > 0; i--) groups[i]!.association(groups[i - 1]!);
    const chunks = [...batch.chunks({ maxItems: 10 })];
    // Roots are walked in insertion order: c-0 has no link, and each later c-i links to c-(i-1),
    // which is already out, so every walk is one group and the item limit applies as usual.
    // Every group's associated group is emitted no later than itself.
    const chunkOf = new Map<string, number>();
    chunks.forEach((c, i) => c.xids.group.forEach((x) => chunkOf.set(x, i)));
    expect(chunkOf.size).toBe(10_000);
    for (let i = 1; i < 10_000; i++) expect(chunkOf.get(`c-${i - 1}`)!).toBeLessThanOrEqual(chunkOf.get(`c-${i}`)!);
    expect(chunks.map((c) => c.counts.group)).toStrictEqual(Array.from({ length: 1_000 }, () => 10));
  });

  it('a cycle a -> b -> c -> a is one chunk, between the groups before and after it', () => {
    const batch = new Batch();
    batch.adversary('before', 'x');
    const a = batch.adversary('a', 'a');
    const b = batch.campaign('b', 'b');
    const c = batch.threat('c', 'c');
    batch.tool('after', 'y');
    a.association(b);
    b.association(c);
    c.association(a);
    const chunks = [...batch.chunks({ maxItems: 1 })];
    expect(chunks.map((k) => k.xids.group)).toStrictEqual([['x'], ['a', 'b', 'c'], ['y']]);
    expect(chunks[1]!.content).toStrictEqual({
      group: [
        { name: 'a', type: 'Adversary', xid: 'a', associatedGroupXid: ['b'] },
        { name: 'b', type: 'Campaign', xid: 'b', associatedGroupXid: ['c'] },
        { name: 'c', type: 'Threat', xid: 'c', associatedGroupXid: ['a'] },
      ],
      indicator: [],
      association: [],
    });
  });

  it('a 10,000-long cycle is one chunk', () => {
    const batch = new Batch();
    const groups = Array.from({ length: 10_000 }, (_, i) => batch.incident(`ring-${i}`, `r-${i}`));
    groups.forEach((g, i) => g.association(groups[(i + 1) % groups.length]!));
    const chunks = [...batch.chunks({ maxItems: 5 })];
    expect(chunks.map((c) => c.counts)).toStrictEqual([{ group: 10_000, indicator: 0, association: 0 }]);
  });

  it('chunks(limits) overrides the batch limits key by key', () => {
    const batch = new Batch({ limits: { maxItems: 2, maxIndicators: 1 } });
    for (let i = 1; i <= 4; i++) batch.address(`192.0.2.${i}`, undefined, undefined, `a-${i}`);
    expect([...batch.chunks()].map((c) => c.xids.indicator)).toStrictEqual([['a-1'], ['a-2'], ['a-3'], ['a-4']]);
    expect([...batch.chunks({ maxIndicators: 3 })].map((c) => c.xids.indicator)).toStrictEqual([['a-1', 'a-2'], ['a-3', 'a-4']]);
  });

  // BUG (src/batch/batch.ts, Batch.chunks): `{ ...this.limits, ...limits }` lets an explicit
  // `undefined` in the override (e.g. `chunks({ maxItems: opts.maxItems })` when a CLI flag is not
  // given) erase the batch's configured limit, so the default 5,000 applies instead of 2.
  // Fix: drop undefined keys before merging, e.g.
  // `{ ...this.limits, ...Object.fromEntries(Object.entries(limits).filter(([, v]) => v !== undefined)) }`.
  it('an undefined override keeps the batch limit', () => {
    const batch = new Batch({ limits: { maxItems: 2 } });
    for (let i = 1; i <= 4; i++) batch.address(`192.0.2.${i}`, undefined, undefined, `a-${i}`);
    expect([...batch.chunks({ maxItems: undefined })].map((c) => c.xids.indicator)).toStrictEqual([
      ['a-1', 'a-2'],
      ['a-3', 'a-4'],
    ]);
  });

  it('30,000 indicators with default limits: 6 chunks of 5,000', () => {
    const batch = new Batch();
    for (let i = 0; i < 30_000; i++) batch.address(`10.${i >> 16}.${(i >> 8) & 255}.${i & 255}`, undefined, undefined, `a-${i}`);
    const chunks = [...batch.chunks()];
    expect(chunks.map((c) => c.counts)).toStrictEqual(Array.from({ length: 6 }, () => ({ group: 0, indicator: 5_000, association: 0 })));
    expect(chunks[5]!.xids.indicator[4_999]).toBe('a-29999');
    expect(chunks[1]!.xids.indicator[0]).toBe('a-5000');
    // with a larger item limit the 25,000 indicators per chunk cap (also the most one may ask for) applies
    expect([...batch.chunks({ maxItems: 100_000 })].map((c) => c.counts.indicator)).toStrictEqual([25_000, 5_000]);
    expect([...batch.chunks({ maxItems: 100_000, maxIndicators: 50_000 })].map((c) => c.counts.indicator)).toStrictEqual([25_000, 5_000]);
  });
});
