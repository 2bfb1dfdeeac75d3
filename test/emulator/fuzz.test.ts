// Never crash, generated: job contents built from valid items with hostile values spliced in (objects
// with toString/valueOf traps, wrong JSON types, deep nesting, huge numbers, odd strings) are fed to
// the processor in-process and to a running server; every job completes with counted records and the
// server keeps answering.
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { parseJobConfig } from '../../src/emulator/config.js';
import { processJob } from '../../src/emulator/processor.js';
import { Store } from '../../src/emulator/store.js';
import { call } from './signer.js';
import { config, start, waitDone } from './harness.js';

const trap = fc.constantFrom<unknown>({ toString: 1 }, { valueOf: 1 }, { toString: {} }, { toJSON: 1 }, { __proto__: null }, [], [[]], {}, null, true, 1e308, -0, 2 ** 64);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  trap,
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.integer({ min: 1, max: 3000 }).map((n) => JSON.parse(`${'['.repeat(n)}${']'.repeat(n)}`) as unknown),
);
const GROUP_TYPES = ['Adversary', 'Document', 'Report', 'Incident', 'Event', 'Signature', 'Email', 'Campaign', 'Nope'];
const INDICATOR_TYPES = ['Host', 'Address', 'File', 'URL', 'EmailAddress', 'ASN', 'CIDR', 'Registry Key', 'Nope'];
const FIELDS = ['type', 'xid', 'name', 'summary', 'rating', 'confidence', 'attribute', 'tag', 'securityLabel', 'associatedGroups', 'associatedGroupXid',
  'associatedIndicators', 'eventDate', 'fileName', 'md5', 'sha1', 'sha256', 'ip', 'hostName', 'text', 'status', 'firstSeen', 'dnsActive', 'id_1', 'id_2', 'ref_1', 'ref_2'];

const baseGroup = fc.record({ type: fc.constantFrom(...GROUP_TYPES), xid: fc.string({ maxLength: 8 }), name: fc.string({ maxLength: 8 }) });
const baseIndicator = fc.record({ type: fc.constantFrom(...INDICATOR_TYPES), summary: fc.constantFrom('a.example.com', '10.0.0.1', 'd41d8cd98f00b204e9800998ecf8427e', 'http://x.example/', 'AS1', 'x') });
const mutated = (base: fc.Arbitrary<Record<string, unknown>>) =>
  fc.tuple(base, fc.array(fc.tuple(fc.constantFrom(...FIELDS), hostile), { maxLength: 3 })).map(([b, muts]) => {
    const o: Record<string, unknown> = { ...b };
    for (const [k, v] of muts) o[k] = v;
    return o;
  });
const content = fc.oneof(
  { weight: 8, arbitrary: fc.record({ group: fc.array(mutated(baseGroup), { maxLength: 3 }), indicator: fc.array(mutated(baseIndicator), { maxLength: 3 }), association: fc.array(hostile, { maxLength: 2 }) }, { requiredKeys: [] }) },
  { weight: 1, arbitrary: hostile },
  { weight: 1, arbitrary: fc.array(mutated(baseIndicator), { maxLength: 3 }) },
);
const text = (v: unknown): string => {
  try {
    return JSON.stringify(v) ?? 'null';
  } catch {
    return '[]';
  }
};

it('the processor never throws and counts every record (800 generated contents)', () => {
  const store = Store.open(':memory:');
  store.ensureOwners([{ name: 'MyOrg', type: 'Organization' }]);
  const cfg = parseJobConfig(config());
  const cfgHalt = parseJobConfig(config({ haltOnError: true }));
  const cfgDelete = parseJobConfig(config({ action: 'Delete' }));
  fc.assert(
    fc.property(content, fc.constantFrom(cfg, cfgHalt, cfgDelete), (c, conf) => {
      const out = processJob({ store, owner: 'MyOrg', config: conf, content: Buffer.from(text(c)), indicatorLimit: 25_000, now: '2024-01-02T03:04:05Z' });
      expect(out.counts.errorCount).toBe(out.errors.length);
      for (const e of out.errors) expect(e.errorReason).toMatch(/^Error \(0x[0-9A-F]{4}\): /);
    }),
    { numRuns: 800, seed: 13 },
  );
  store.close();
});

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

it('a running server completes 150 generated hostile jobs and still answers afterwards', async () => {
  const samples = fc.sample(content, { numRuns: 150, seed: 1313 });
  const ids: number[] = [];
  for (const c of samples) {
    const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId as number;
    expect((await call(emu.url, 'POST', `/v2/batch/${id}`, text(c))).status).toBe(202);
    ids.push(id);
  }
  for (const id of ids) expect((await waitDone(emu.url, id, 2000)).status).toBe('Completed');
  expect((await call(emu.url, 'GET', '/v2/owners')).status).toBe(200);
});

it('generated hostile job configs get a 400 with TC\'s envelope, never a 500', async () => {
  const configs = fc.sample(
    fc.oneof(hostile, fc.tuple(fc.constantFrom(...Object.keys(config()), 'extra'), hostile).map(([k, v]) => ({ ...config(), [k]: v }))),
    { numRuns: 150, seed: 7 },
  );
  for (const c of configs) {
    const r = await call(emu.url, 'POST', '/v2/batch', text(c), { contentType: 'application/json' });
    expect([201, 400, 403]).toContain(r.status);
    if (r.status !== 201) expect(r.json).toMatchObject({ status: 'Failure', message: expect.any(String) });
  }
  expect((await call(emu.url, 'GET', '/v2/owners')).status).toBe(200);
});
