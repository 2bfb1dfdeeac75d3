// The compact store's template packing (issue 14): any JSON text packs and unpacks to the same
// text, against templates made by earlier texts of any shape, with or without a binary xid, and
// positions past the one-character markers (more than 30 strings).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TemplateTable } from '../../src/batch/json-template.js';

const anyText = fc.string({ unit: 'binary', maxLength: 8 });
const value = fc.letrec((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    anyText,
    fc.constantFrom('bench', 'Description', 'a\\', '\\"', ''),
    fc.integer(),
    fc.boolean(),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(anyText, fc.constantFrom('type', 'xid', 'name')), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const hex64 = fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: 64, maxLength: 64 });
const item = fc.record({ type: fc.constantFrom('A', 'B'), xid: fc.oneof(hex64, anyText), body: value, wide: fc.array(fc.constantFrom('x', 'y', 'z"'), { maxLength: 40 }) });

describe('TemplateTable', () => {
  it('unpacks every packed text to the same text', () => {
    fc.assert(
      fc.property(fc.array(item, { minLength: 1, maxLength: 20 }), (items) => {
        const table = new TemplateTable();
        const packed = items.map((it) => {
          const text = JSON.stringify({ type: it.type, xid: it.xid, body: it.body, wide: it.wide });
          const binary = /^[0-9a-f]{64}$/.test(it.xid) ? it.xid : undefined;
          return { text, binary, p: table.pack(text, it.type, binary) };
        });
        for (const { text, binary, p } of packed) expect(table.unpack(p!.template.id, p!.record, binary)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('unpacks feed-like texts (one shape, strings that change or not) to the same text', () => {
    const feedItem = fc.record({
      summary: fc.oneof(anyText, fc.constant('10.0.0.1')),
      xid: fc.oneof(hex64, fc.constantFrom('a\\', 'x"y', 'a'.repeat(64))),
      attribute: fc.array(fc.record({ type: fc.constantFrom('Description', 'Source'), value: fc.oneof(anyText, fc.constant('same')) }), { minLength: 1, maxLength: 2 }),
      tag: fc.array(fc.record({ name: fc.constantFrom('bench', 'b\\', 'b"') }), { maxLength: 2 }),
    });
    fc.assert(
      fc.property(fc.array(feedItem, { minLength: 1, maxLength: 30 }), (items) => {
        const table = new TemplateTable();
        const packed = items.map((it) => {
          const text = JSON.stringify({ summary: it.summary, type: 'Address', xid: it.xid, attribute: it.attribute, tag: it.tag });
          const binary = /^[0-9a-f]{64}$/.test(it.xid) ? it.xid : undefined;
          return { text, binary, p: table.pack(text, 'Address', binary) };
        });
        for (const { text, binary, p } of packed) expect(table.unpack(p!.template.id, p!.record, binary)).toBe(text);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps only the strings that differ from the template, and nothing for the binary xid', () => {
    const table = new TemplateTable();
    const x1 = 'a'.repeat(64);
    const x2 = 'b'.repeat(64);
    const t1 = JSON.stringify({ summary: '10.0.0.1', type: 'Address', xid: x1, tag: [{ name: 'bench' }] });
    const t2 = JSON.stringify({ summary: '10.0.0.2', type: 'Address', xid: x2, tag: [{ name: 'bench' }] });
    expect(table.pack(t1, 'Address', x1)!.record).toBe('');
    const p2 = table.pack(t2, 'Address', x2)!;
    expect(p2.template.id).toBe(0);
    expect(p2.record).toBe('\u000210.0.0.2');
    expect(table.unpack(0, p2.record, x2)).toBe(t2);
    // the same shape with a non-binary xid: the xid is a literal
    const t3 = JSON.stringify({ summary: '10.0.0.1', type: 'Address', xid: 'my-xid', tag: [{ name: 'bench' }] });
    const p3 = table.pack(t3, 'Address', undefined)!;
    expect(p3.record).toBe('\u0006my-xid');
    expect(table.unpack(0, p3.record, undefined)).toBe(t3);
  });
});
