// Streaming imports (issue 14): a file read as a stream in small chunks gives exactly the items and
// the report of the whole-text import (shipped fixtures and generated files with the hard cases:
// CSV quoted line breaks, multi-byte UTF-8 cut by chunk boundaries, NDJSON lines across chunks,
// duplicates merged from later lines, STIX markings after the objects that use them, duplicate
// ids, observed-data, relationships, reports and ATT&CK tactics); head sniffing; progress lines.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { Batch } from '../../src/batch/batch.js';
import { MemoryStore } from '../../src/batch/store.js';
import { CompactStore } from '../../src/batch/compact-store.js';
import { guessCsvColumns, guessCsvColumnsOfFile, importFile, sniffFormat, sniffHead } from '../../src/importers/index.js';
import { importCsv, importCsvFile } from '../../src/importers/ioc-list.js';
import { importRecords, importRecordStream } from '../../src/importers/batch-content.js';
import { contentSource, readContentFile } from '../../src/importers/content-file.js';
import { importStix, importStixFile } from '../../src/importers/stix.js';
import { DiskStixState } from '../../src/importers/stix-disk-state.js';
import { fileLineBatches, fileLines, readHead, scanNonBlankLines } from '../../src/importers/file-input.js';
import { lineColumnOfByte } from '../../src/importers/json-stream.js';
import { importProgressView } from '../../src/cli/progress.js';

const dir = mkdtempSync(join(tmpdir(), 'tcbatch-stream-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string): string => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};
const root = new URL('../../', import.meta.url).pathname;

/** Items (chunk texts) and the report of a batch after an import, or the error. */
async function outcome(make: () => Batch, run: (batch: Batch) => Promise<unknown> | unknown): Promise<{ report?: unknown; error?: string; chunks: string[] }> {
  const batch = make();
  try {
    const report = await run(batch);
    return { report, chunks: [...batch.chunks()].map((c) => c.text) };
  } catch (e) {
    return { error: String(e), chunks: [] };
  }
}
const memory = () => new Batch({ owner: 'MyOrg', store: new MemoryStore(), limits: { maxItems: 7 } });

describe('importFile: streamed and whole give the same items and report', () => {
  const files = [
    ...readdirSync(join(root, 'data/stix')).map((f) => `data/stix/${f}`),
    ...readdirSync(join(root, 'data/ioc-feeds')).filter((f) => f.endsWith('.csv')).map((f) => `data/ioc-feeds/${f}`),
    ...readdirSync(join(root, 'test/fixtures/importers/ioc-feeds')).filter((f) => f.endsWith('.csv')).map((f) => `test/fixtures/importers/ioc-feeds/${f}`),
  ];
  it.each(files)('%s (chunks of 61 bytes)', async (file) => {
    const path = join(root, file);
    const whole = await outcome(memory, (b) => importFile(path, b, 'auto', { stream: false }));
    const streamed = await outcome(memory, (b) => importFile(path, b, 'auto', { stream: true, chunkBytes: 61 }));
    expect(whole.error).toBeUndefined();
    expect(streamed).toEqual(whole);
  });
});

describe('CSV read as a stream', () => {
  // quoted fields with line breaks, multi-byte characters, an unclosed quote, comments, blanks
  const text = [
    '# feed of the day',
    'value,description,tags',
    '198.51.100.1,"first line',
    'second line ü 😀",#a #b',
    '',
    'evil.example.com,"quoted ""word"" é",#c',
    ' "203.0.113.9" ,spaced quotes,#d',
    'http://x.example.com/ä,"ä ö ü ß 日本語",#e',
    'bad"value,x,#f',
    '198.51.100.2,"never closed,#g',
    '198.51.100.3,after the broken line,#h',
    '',
  ].join('\r\n');
  const file = write('feed.csv', text);

  it.each([1, 2, 3, 5, 7, 64])('gives the whole-text report and items in chunks of %i bytes', async (chunkBytes) => {
    const whole = await outcome(memory, (b) => importCsv(text, b, { source: 'feed.csv' }));
    const streamed = await outcome(memory, (b) => importCsvFile(file, b, { source: 'feed.csv', chunkBytes }));
    expect(streamed).toEqual(whole);
    const r = whole.report as { counts: unknown; rejects: Array<{ source: string }>; warnings: Array<{ source: string }>; ignored: unknown };
    expect(r.counts).toEqual({ read: 10, groups: 0, indicators: 4, associations: 0, rejected: 3, skipped: 0 });
    expect(r.rejects.map((x) => x.source)).toEqual(['feed.csv:9', 'feed.csv:10', 'feed.csv:11']);
    expect(r.warnings.map((x) => x.source)).toEqual(['feed.csv:8']);
    expect(r.ignored).toEqual({ blank: 1, comment: 1, header: 1 });
    expect(whole.chunks.join('')).toContain('"value":"first line\\r\\nsecond line ü 😀"');
  });

  it('guesses columns of a headerless file from as much as needed (the whole-text guess)', () => {
    const rows = Array.from({ length: 60_000 }, (_, i) => `item ${i},#tag,10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`).join('\n');
    const path = write('headerless.csv', `${rows}\n`);
    expect(readHead(path).complete).toBe(false);
    expect(guessCsvColumnsOfFile(path)).toEqual(guessCsvColumns(rows));
    expect(guessCsvColumnsOfFile(path)).toEqual({ value: 2, tags: 1 });
  });
});

describe('NDJSON batch content in two passes', () => {
  const lines = [
    JSON.stringify({ type: 'Address', summary: '198.51.100.1', tag: [{ name: 'first' }] }),
    '',
    JSON.stringify({ type: 'Host', summary: 'umlaut.example.com', attribute: [{ type: 'Description', value: 'é 😀 日本' }] }),
    JSON.stringify({ type: 'Address', summary: '198.51.100.1', rating: 3, tag: [{ name: 'second' }] }), // merged into line 1
    JSON.stringify({ type: 'Adversary', name: 'a', xid: 'adv-1' }),
    JSON.stringify({ type: 'Adversary', xid: 'adv-2' }), // no name: invalid alone ...
    JSON.stringify({ type: 'Adversary', name: 'named later', xid: 'adv-2' }), // ... valid once merged
    JSON.stringify({ type: 'Host', summary: 'bad host name!' }), // rejected
    JSON.stringify({ type: 'Address', summary: '198.51.100.1', tag: [{ name: 'third' }] }), // merged again
    JSON.stringify({ ref_1: 'adv-1', type_1: 'Adversary', ref_2: '198.51.100.1', type_2: 'Address' }), // no type: read as an indicator, rejected
    JSON.stringify({ type: 'Adversary', name: 'b', xid: 'adv-1', tag: [{ name: 'dup' }] }), // merged into adv-1
    JSON.stringify({ type: 'Address', summary: '203.0.113.7' }), // already in the batch: a batch duplicate
    '   ',
    JSON.stringify({ type: 'File', md5: 'd41d8cd98f00b204e9800998ecf8427e', attribute: [{ type: 'Description', value: 'ß'.repeat(40) }] }),
  ];
  const text = `${lines.join('\r\n')}\n`;
  const file = write('content.ndjson', text);
  const prepared = () => {
    const b = memory();
    b.address('203.0.113.7');
    return b;
  };

  it.each([1, 2, 3, 5, 8, 100])('gives the whole-text report and items in chunks of %i bytes', async (chunkBytes) => {
    const whole = await outcome(prepared, (b) => importRecords(readContentFile(file).items, b, 'content'));
    const streamed = await outcome(prepared, (b) => importRecordStream(contentSource([file], { chunkBytes }), b, 'content'));
    expect(streamed).toEqual(whole);
    const r = whole.report as { counts: unknown; duplicates: number; duplicateSources: unknown[]; rejects: unknown[] };
    expect(r.counts).toEqual({ read: 12, groups: 2, indicators: 3, associations: 0, rejected: 2, skipped: 0 });
    expect(r.rejects.map((x) => (x as { source: string }).source)).toEqual([`${file}:8`, `${file}:10`]);
    expect(r.duplicates).toBe(5);
    // the merged duplicates in input order, then those already in the batch
    expect(r.duplicateSources).toEqual([
      { source: `${file}:4`, value: '3daadceefefc73da492d50ef1c85af60f4271b323190d59fc7dada6989c89737' },
      { source: `${file}:7`, value: 'adv-2' },
      { source: `${file}:9`, value: '3daadceefefc73da492d50ef1c85af60f4271b323190d59fc7dada6989c89737' },
      { source: `${file}:11`, value: 'adv-1' },
      { source: `${file}:12`, value: '606c390f4506c51eb5d60b19a1e37e77edb6464bbbb9cd0e6cdba9788397129c' },
    ]);
    // adv-2 has no name alone: merged with line 7 it is valid, and it is added where line 6 is
    expect(whole.chunks.join('')).toContain('{"type":"Adversary","xid":"adv-2","name":"named later"}');
  });

  it('reads lines a chunk at a time as fileLines gives them (texts and numbers), across chunk boundaries and multi-byte characters', async () => {
    for (const chunkBytes of [1, 2, 3, 4, 5, 7, 64, 1 << 20]) {
      const got: Array<{ text: string; number: number }> = [];
      for await (const batch of fileLineBatches(file, { chunkBytes })) {
        expect(batch.length).toBeGreaterThan(0);
        got.push(...batch);
      }
      expect(got).toEqual(text.split('\n').map((t, i) => ({ text: t, number: i + 1 })));
    }
    const noFinalBreak = write('no-final-break.ndjson', 'é1\n😀2\n\n日本');
    const got: Array<{ text: string; number: number }> = [];
    for await (const batch of fileLineBatches(noFinalBreak, { chunkBytes: 3 })) got.push(...batch);
    expect(got).toEqual([
      { text: 'é1', number: 1 },
      { text: '😀2', number: 2 },
      { text: '', number: 3 },
      { text: '日本', number: 4 },
    ]);
  });

  it('finds the non-blank lines (numbers, byte offsets and lengths) as fileLines and trim() tell them, without decoding', async () => {
    const spaced = write('spaced.ndjson', `{"a":1}\n \t\n\u00a0\u3000\n\u00e9x\n\r\n\n  {"b":2}\n\ufeff\n[1]`);
    for (const f of [file, spaced]) {
      for (const chunkBytes of [1, 2, 3, 5, 1 << 20]) {
        const want = [];
        for await (const l of fileLines(f, { chunkBytes })) if (l.text.trim() !== '') want.push({ number: l.number, offset: l.offset, length: l.length });
        const got: Array<{ number: number; offset: number; length: number }> = [];
        await scanNonBlankLines(f, (number, offset, length) => (got.push({ number, offset, length }), false), { chunkBytes });
        expect(got).toEqual(want);
      }
    }
    const got: number[] = [];
    await scanNonBlankLines(spaced, (number) => (got.push(number), number >= 4), { chunkBytes: 2 });
    expect(got).toEqual([1, 4]);
  });

  it('reads lines across chunk boundaries with their numbers and byte offsets', async () => {
    for (const chunkBytes of [1, 2, 3, 4, 5, 7]) {
      const got = [];
      for await (const l of fileLines(file, { chunkBytes })) got.push(l);
      expect(got.map((l) => l.text)).toEqual(text.split('\n'));
      expect(got.map((l) => l.number)).toEqual(text.split('\n').map((_, i) => i + 1));
      const bytes = readFileSync(file);
      for (const l of got) expect(bytes.toString('utf8', l.offset, l.offset + l.length)).toBe(l.text);
    }
  });

  it('a syntax error names the file, line and column as before, and nothing is added', async () => {
    const bad = write('bad.ndjson', `${lines[0]}\n{"type": "Host", "summary" "x"}\n`);
    const batch = memory();
    await expect(importRecordStream(contentSource([bad], { chunkBytes: 3 }), batch, 'content')).rejects.toThrow(`${bad}: invalid JSON at line 2, column 28: ":" expected`);
    expect(() => readContentFile(bad)).toThrow(`${bad}: invalid JSON at line 2, column 28: ":" expected`);
    expect(batch.size).toBe(0);
  });

  it('importFile streams a large NDJSON file (sources named by the base name, as before)', async () => {
    const many = Array.from({ length: 30_000 }, (_, i) => JSON.stringify({ type: 'Address', summary: `10.0.${i >> 8}.${i & 255}`, tag: [{ name: i % 7 === 0 ? 'x'.repeat(200) : 'ok' }] }));
    const big = write('big.jsonl', `${many.join('\n')}\n${many.slice(0, 3).join('\n')}\n`);
    expect(readHead(big).complete).toBe(false);
    const whole = await outcome(memory, (b) => importFile(big, b, 'auto', { stream: false }));
    const streamed = await outcome(memory, (b) => importFile(big, b, 'auto'));
    expect(streamed).toEqual(whole);
    expect((whole.report as { counts: unknown }).counts).toEqual({ read: 30_003, groups: 0, indicators: 25_714, associations: 0, rejected: 4286, skipped: 0 });
  });
});

/** A STIX bundle with the cases that need more than one pass. */
function bundle(n: number): Record<string, unknown> {
  const objects: unknown[] = [];
  const tlpLater = 'marking-definition--00000000-0000-4000-8000-00000000cafe';
  objects.push({ type: 'x-mitre-tactic', id: 'x-mitre-tactic--1', name: 'Execution', x_mitre_shortname: 'execution', spec_version: '2.1' });
  for (let i = 0; i < n; i++) {
    const ip = `198.51.${(i >> 8) & 255}.${i & 255}`;
    objects.push({ type: 'indicator', spec_version: '2.1', id: `indicator--${i}`, name: `ind ${i} é`, pattern: `[ipv4-addr:value = '${ip}']`, pattern_type: 'stix', object_marking_refs: [i % 2 ? tlpLater : 'marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] });
    if (i % 5 === 0) objects.push({ type: 'malware', spec_version: '2.1', id: `malware--${i}`, name: `family ${i} 😀`, description: 'ü'.repeat(30), is_family: true });
    if (i % 5 === 1) objects.push({ type: 'relationship', id: `relationship--${i}`, relationship_type: 'indicates', source_ref: `indicator--${i}`, target_ref: `malware--${i - 1}` });
    if (i % 7 === 0) objects.push({ type: 'indicator', spec_version: '2.1', id: `indicator--again-${i}`, description: `same value ${i}`, pattern: `[ipv4-addr:value = '${ip}']`, pattern_type: 'stix' });
    if (i % 11 === 0) objects.push({ type: 'indicator', id: `indicator--${i}`, pattern: "[ipv4-addr:value = '192.0.2.1']", pattern_type: 'stix' }); // duplicate id
    if (i % 13 === 0) objects.push({ type: 'ipv4-addr', id: `ipv4-addr--${i}`, value: `203.0.113.${i % 250}` });
    if (i % 13 === 1) objects.push({ type: 'observed-data', id: `observed-data--${i}`, first_observed: '2024-01-01T00:00:00Z', last_observed: '2024-01-02T00:00:00Z', object_refs: [`ipv4-addr--${i - 1}`] });
    if (i % 17 === 0) objects.push({ type: 'relationship', id: `relationship--dangling-${i}`, relationship_type: 'uses', source_ref: `malware--${i}`, target_ref: 'tool--missing' });
    if (i % 19 === 0) objects.push({ type: 'attack-pattern', id: `attack-pattern--${i}`, name: `technique ${i}`, kill_chain_phases: [{ kill_chain_name: 'mitre-attack', phase_name: 'execution' }], external_references: [{ source_name: 'mitre-attack', external_id: `T${1000 + i}` }] });
    if (i % 23 === 0) objects.push({ type: 'malware', id: `malware--revoked-${i}`, name: 'old', revoked: true });
  }
  objects.push({ type: 'report', id: 'report--1', name: 'the report', published: '2024-01-01T00:00:00Z', object_refs: ['indicator--0', 'malware--0', 'relationship--1', 'attack-pattern--0', 'nothing--here'] });
  objects.push(42, 'not an object', null, [1, 2]);
  objects.push({ type: 'marking-definition', id: tlpLater, definition_type: 'tlp', definition: { tlp: 'green' } }); // after its users
  objects.push({ type: 'identity', id: 'identity--1', name: 'someone' });
  return { type: 'bundle', id: 'bundle--1', objects };
}

describe('STIX bundle read as a stream', () => {
  const b = bundle(400);
  const text = JSON.stringify(b, null, 1);
  const file = write('bundle.json', text);

  it.each([7, 64, 4096])('gives the whole-text report and items in chunks of %i bytes', async (chunkBytes) => {
    const whole = await outcome(memory, (batch) => importStix(JSON.parse(text), batch, { source: 'bundle.json' }));
    const streamed = await outcome(memory, (batch) => importStixFile(file, batch, { source: 'bundle.json', chunkBytes }));
    expect(streamed).toEqual(whole);
    const r = whole.report as { counts: Record<string, number>; skipped: unknown[]; rejects: unknown[] };
    // 789 objects: 104 groups (tactic, 80 malware, 22 attack patterns, the report); 400 + 31 indicators;
    // 80 relationships + 3 report refs + 22 kill chain phases; rejected: 4 non-objects and 24 dangling
    // relationships; skipped: 37 duplicate ids, 18 revoked, an identity and the marking definition
    expect(r.counts).toEqual({ read: 789, groups: 104, indicators: 431, associations: 105, rejected: 28, skipped: 57 });
    // the TLP marking defined after the indicators that use it
    expect(whole.chunks.join('')).toContain('"summary":"198.51.0.1","type":"Address","xid":"');
    expect(whole.chunks.join('').match(/"securityLabel":\[\{"name":"TLP:GREEN"/g)?.length).toBe(200);
  });

  it('with the per-id state on disk (DiskStixState): the same report and items, and its file removed at close', async () => {
    const whole = await outcome(memory, (batch) => importStix(JSON.parse(text), batch, { source: 'bundle.json' }));
    const state = new DiskStixState();
    const made = readdirSync(tmpdir()).filter((n) => n.startsWith(`tcbatch-store-${process.pid}-`));
    try {
      expect(await outcome(memory, (batch) => importStixFile(file, batch, { source: 'bundle.json', chunkBytes: 4096, state }))).toEqual(whole);
    } finally {
      state.close();
    }
    expect(made.length).toBeGreaterThan(0);
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith(`tcbatch-store-${process.pid}-`) && !made.includes(n)).length).toBe(0);
    // importFile with stixState disk and memory
    const viaDisk = await outcome(memory, (batch) => importFile(file, batch, 'stix', { stream: true, stixState: 'disk' }));
    const viaMemory = await outcome(memory, (batch) => importFile(file, batch, 'stix', { stream: true, stixState: 'memory' }));
    expect(viaDisk).toEqual(viaMemory);
    expect(viaDisk.chunks).toEqual(whole.chunks);
    expect((viaDisk.report as { counts: unknown }).counts).toEqual((whole.report as { counts: unknown }).counts);
  });

  it('a top-level array of objects, and progress for every pass', async () => {
    const arr = write('array.json', JSON.stringify([7, 'x', ...(b.objects as unknown[]).slice(0, 300), [1], null]));
    const whole = await outcome(memory, (batch) => importStix(JSON.parse(readFileSync(arr, 'utf8')), batch, { source: 'a' }));
    const last = new Map<number, string>(); // the last progress of each pass
    const streamed = await outcome(memory, (batch) => importStixFile(arr, batch, { source: 'a', chunkBytes: 4096, onProgress: (read, total, pass, of) => last.set(pass, `${pass} of ${of}: ${read === total ? 'all' : read}`) }));
    expect(streamed).toEqual(whole);
    // the passes after the second are known once it is done
    expect([...last.values()]).toEqual(['1 of 2: all', '2 of 5: all', '3 of 5: all', '4 of 5: all', '5 of 5: all']);
  });

  it('with the compact store: the streamed import keeps every change of an indicator seen again after it was packed', async () => {
    // a window of 4 packs items while the import goes on; the streamed import never holds a builder
    // across objects, so it gives the reference (MemoryStore) items
    const compact = () => new Batch({ owner: 'MyOrg', store: new CompactStore({ window: 4 }), limits: { maxItems: 7 } });
    const reference = await outcome(memory, (batch) => importStix(JSON.parse(text), batch, { source: 'bundle.json' }));
    expect(await outcome(compact, (batch) => importStixFile(file, batch, { source: 'bundle.json', chunkBytes: 512 }))).toEqual(reference);
    expect(await outcome(compact, (batch) => importStix(JSON.parse(text), batch, { source: 'bundle.json' }))).toEqual(reference);
  });

  it('regression: an indicator seen again after the compact store packed it keeps both objects\' changes (exact JSON)', () => {
    // importStix used to hold the first object's builder until the relationships; a change made
    // meanwhile through the rebuilt builder (the second object) was lost when the held one changed
    const objects: unknown[] = [{ type: 'malware', id: 'malware--1', name: 'm', is_family: true }];
    objects.push({ type: 'indicator', id: 'indicator--a', pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix' });
    for (let i = 0; i < 20; i++) objects.push({ type: 'indicator', id: `indicator--f${i}`, pattern: `[ipv4-addr:value = '203.0.113.${i}']`, pattern_type: 'stix' });
    objects.push({ type: 'indicator', id: 'indicator--b', description: 'seen again', pattern: "[ipv4-addr:value = '198.51.100.1']", pattern_type: 'stix' });
    objects.push({ type: 'relationship', id: 'relationship--1', relationship_type: 'indicates', source_ref: 'indicator--a', target_ref: 'malware--1' });
    const batch = new Batch({ owner: 'MyOrg', store: new CompactStore({ window: 2 }) });
    importStix({ type: 'bundle', id: 'bundle--1', objects }, batch);
    const found = [...batch.chunks()].flatMap((c) => c.content.indicator!).find((i) => i.summary === '198.51.100.1');
    expect(found).toEqual({
      summary: '198.51.100.1',
      type: 'Address',
      xid: '3daadceefefc73da492d50ef1c85af60f4271b323190d59fc7dada6989c89737',
      attribute: [{ type: 'Description', value: 'seen again', displayed: true }],
      associatedGroups: [{ groupXid: 'malware--1' }],
    });
  });

  it('a syntax error: the same JsonSyntaxError as the whole-text parse (small files are re-read whole to say it)', async () => {
    const bad = write('bad.json', `{"type": "bundle", "objects": [\n {"type": "indicator", "id": "indicator--1",\n  "pattern" 1}]}`);
    const batch = memory();
    await expect(importStixFile(bad, batch, { chunkBytes: 5 })).rejects.toThrow('invalid JSON at line 3, column 13: ":" expected');
    expect(batch.size).toBe(0);
    await expect(importFile(bad, memory(), 'stix', { stream: true })).rejects.toThrow(`${bad}: invalid JSON at line 3, column 13: ":" expected`);
  });

  it('line and column of a byte offset count characters (multi-byte and astral)', async () => {
    const f = write('lc.txt', 'ab\nüé😀x\ny');
    expect(await lineColumnOfByte(f, 0)).toEqual({ line: 1, column: 1 });
    expect(await lineColumnOfByte(f, 3)).toEqual({ line: 2, column: 1 });
    expect(await lineColumnOfByte(f, 3 + 2 + 2 + 4)).toEqual({ line: 2, column: 5 }); // before x: ü é and a surrogate pair
  });

  it('a bundle whose objects member is not an array is read whole (the same report)', async () => {
    const odd = write('odd.json', '{"objects": {"a": 1}, "type": "bundle", "id": "bundle--2"}');
    const whole = await outcome(memory, (batch) => importStix(JSON.parse(readFileSync(odd, 'utf8')), batch));
    expect(await outcome(memory, (batch) => importStixFile(odd, batch))).toEqual(whole);
    expect((whole.report as { rejects: unknown[] }).rejects).toEqual([{ source: 'stix', value: '{"objects":{"a":1},"type":"bundle","id":"bundle--2"}', reason: 'a STIX bundle needs an objects array' }]);
  });
});

describe('sniffing from the head of a file', () => {
  it('decides from the head what the whole text decides, or says it cannot', () => {
    const lines = Array.from({ length: 300 }, (_, i) => `10.0.0.${i % 250}\tcomment ${i}`);
    const tsv = `value\tnote\n${lines.join('\n')}\n`;
    expect(sniffHead('x', tsv, true)).toBe(sniffFormat('x', tsv));
    expect(sniffHead('x', tsv.slice(0, 5000), false)).toBe('tsv');
    expect(sniffHead('x', tsv.slice(0, 300), false)).toBeUndefined(); // fewer than 200 lines and under 4 KiB
    const sigmaLike = `title: x\n${'a: b\n'.repeat(1000)}`;
    expect(sniffHead('r.txt', sigmaLike, false)).toBeUndefined(); // the detection line may come later
    expect(sniffHead('r.txt', `${sigmaLike}detection:\n  x: 1\n`, false)).toBe('sigma');
    const json = `[{"type": "Address", "summary": "10.0.0.1"}${', {"type": "Address", "summary": "10.0.0.2"}'.repeat(300)}]`;
    expect(sniffHead('c.json', json.slice(0, 10_000), false)).toBeUndefined(); // MISP needs 200,000 characters
    expect(sniffHead('c.json', json, true)).toBe('batch');
  });
});

describe('import progress lines (not a TTY)', () => {
  it('a line per interval and per pass, and one when the file is done (injected clock)', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    let t = 1_000;
    const view = importProgressView({ tty: false, out, now: () => t, intervalMs: 2_000 });
    const MB = 1_048_576;
    const step = (bytesRead: number, items: number, pass = 1, passes = 2) => ({ bytesRead, totalBytes: 50 * MB, items, pass, passes });
    view.update('feed.ndjson', step(1 * MB, 0)); // first: no line
    t += 1_000;
    view.update('feed.ndjson', step(2 * MB, 0)); // within the interval
    t += 1_500;
    view.update('feed.ndjson', step(12.5 * MB, 0));
    t += 500;
    view.update('feed.ndjson', step(1 * MB, 8_121, 2)); // a new pass: a line at once
    t += 2_000;
    view.update('feed.ndjson', step(50 * MB, 1_234_567, 2));
    t += 250;
    view.done('feed.ndjson', 1_234_567);
    view.update('small.csv', { bytesRead: 10, totalBytes: 10, items: 1, pass: 1, passes: 1 });
    view.done('small.csv', 1); // under 1 MiB: nothing
    view.stop();
    expect(text).toBe(
      [
        'import feed.ndjson: pass 1 of 2: 12.5 of 50.0 MB (25%), 0 items, 2.5 s',
        'import feed.ndjson: pass 2 of 2: 1.0 of 50.0 MB (2%), 8,121 items, 3.0 s',
        'import feed.ndjson: pass 2 of 2: 50.0 of 50.0 MB (100%), 1,234,567 items, 5.0 s',
        'import feed.ndjson: done: 50.0 MB, 1,234,567 items in 5.3 s',
        '',
      ].join('\n'),
    );
  });

  it('nothing when quiet', () => {
    const out = new PassThrough();
    let text = '';
    out.on('data', (d: Buffer) => (text += d.toString()));
    const view = importProgressView({ tty: false, out, quiet: true });
    view.update('f', { bytesRead: 5 << 20, totalBytes: 10 << 20, items: 1, pass: 1, passes: 1 });
    view.done('f', 1);
    expect(text).toBe('');
  });
});
