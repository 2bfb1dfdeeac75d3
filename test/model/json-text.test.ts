// Builder.jsonText() (the text the compact and disk stores pack, written without the object) is
// JSON.stringify(toJSON()) byte for byte: random builders of groups and indicators with every kind
// of metadata (attributes with displayed/source/pinned, labels with description/color, tags, file
// occurrences, both association kinds, fields) and strings that JSON escapes.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Batch } from '../../src/index.js';
import { MemoryStore } from '../../src/batch/store.js';
import type { Builder } from '../../src/model/builder.js';

/** Any code points, JSON escapes included (quotes, backslashes, control characters, lone surrogates). */
const text = fc.string({ unit: 'binary', minLength: 1, maxLength: 10 }).filter((s) => /\S/.test(s));
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined });

const meta = fc.record({
  attributes: fc.array(fc.record({ type: fc.constantFrom('Description', 'Source'), value: text, displayed: opt(fc.boolean()), source: opt(text), pinned: opt(fc.boolean()) }), { maxLength: 3 }),
  labels: fc.array(fc.record({ name: fc.constantFrom('TLP:RED', 'TLP:AMBER', 'TLP:GREEN'), description: opt(text), color: opt(fc.constantFrom('FF0000', 'ffc000')) }), { maxLength: 2 }),
  tags: fc.array(text, { maxLength: 3 }),
  rating: opt(fc.integer({ min: 0, max: 5 })),
  groups: fc.array(fc.oneof(fc.constantFrom('g-1', 'g"2', 'g\\3'), text), { maxLength: 3 }),
});

const kind = fc.oneof(
  fc.record({ t: fc.constant('Adversary' as const), name: text }),
  fc.record({ t: fc.constant('Address' as const), octet: fc.integer({ min: 1, max: 254 }) }),
  fc.record({ t: fc.constant('Host' as const), name: fc.stringMatching(/^[a-z]{1,8}$/) }),
  fc.record({
    t: fc.constant('File' as const),
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
    occurrences: fc.array(fc.record({ fileName: opt(text), path: opt(text), date: opt(fc.constantFrom('2026-01-02T03:04:05Z', 1_700_000_000_000)) }), { maxLength: 3 }),
  }),
);

describe('Builder.jsonText', () => {
  it('is JSON.stringify(toJSON()) for random builders (property)', () => {
    fc.assert(
      fc.property(kind, meta, opt(text), (k, m, xid) => {
        const batch = new Batch({ owner: 'MyOrg', store: new MemoryStore() });
        let b: Builder;
        if (k.t === 'Adversary') {
          const g = batch.adversary(k.name, xid);
          for (const x of m.groups) g.association(x);
          g.indicatorAssociation({ summary: `10.0.0.${m.tags.length + 1}`, type: 'Address' });
          b = g;
        } else {
          const i =
            k.t === 'Address' ? batch.address({ ip: `10.0.0.${k.octet}`, xid }) : k.t === 'Host' ? batch.host({ hostName: `${k.name}.example.com`, xid }) : batch.file({ sha256: k.sha256, xid });
          if (k.t === 'File') for (const o of k.occurrences) if (o.fileName ?? o.path ?? o.date) (i as ReturnType<Batch['file']>).occurrence(o.fileName, o.path, o.date);
          for (const x of m.groups) i.association(x);
          if (m.rating !== undefined) (i as ReturnType<Batch['address']>).rating = m.rating;
          b = i;
        }
        for (const a of m.attributes) {
          const attr = b.attribute(a.type, a.value, a.displayed, a.source);
          if (a.pinned !== undefined) attr.pinned = a.pinned;
        }
        for (const l of m.labels) b.securityLabel(l.name, l.description, l.color);
        for (const t of m.tags) b.tag(t);
        expect(b.jsonText()).toBe(JSON.stringify(b.toJSON()));
      }),
      { numRuns: 300 },
    );
  });

  it('writes the exact wire text of an Address with every kind of metadata', () => {
    const batch = new Batch({ owner: 'MyOrg', store: new MemoryStore() });
    const a = batch.address({ ip: '10.0.0.1', xid: 'x"1' });
    a.rating = 3;
    a.attribute('Description', 'line\nbreak', true, 'feed').pinned = false;
    a.securityLabel('TLP:AMBER', 'amber', 'FFC000');
    a.tag('bad\\tag');
    a.association('g-1');
    expect(a.jsonText()).toBe(
      '{"summary":"10.0.0.1","type":"Address","xid":"x\\"1","rating":3,"attribute":[{"type":"Description","value":"line\\nbreak","displayed":true,"source":"feed","pinned":false}],' +
        '"securityLabel":[{"name":"TLP:AMBER","description":"amber","color":"FFC000"}],"tag":[{"name":"bad\\\\tag"}],"associatedGroups":[{"groupXid":"g-1"}]}',
    );
  });
});
