// Interface 3 raw objects: addIndicator/addGroup copy what they are given; addOwned (the importers'
// path for records they parsed themselves) validates the same way and keeps the object, and every
// store writes a raw item's text without a copy. Exact chunk text in each store.
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/batch/batch.js';
import { CompactStore } from '../../src/batch/compact-store.js';
import { DiskStore } from '../../src/batch/disk-store.js';
import { MemoryStore } from '../../src/batch/store.js';
import { ValidationError } from '../../src/errors.js';
import { thrown } from '../support/thrown.js';

const host = () => ({ type: 'Host' as const, summary: 'a.example.com', xid: 'host-1', rating: 3, tag: [{ name: 'feed' }], attribute: [{ type: 'Description', value: 'first' }] });
const group = () => ({ type: 'Adversary' as const, name: 'APT "Q"', xid: 'adv-1', tag: [{ name: 'x' }] });
const expected =
  '{"group":[{"type":"Adversary","name":"APT \\"Q\\"","xid":"adv-1","tag":[{"name":"x"}]}],"indicator":[{"type":"Host","summary":"a.example.com","xid":"host-1","rating":3,"tag":[{"name":"feed"}],"attribute":[{"type":"Description","value":"first"}]}],"association":[]}';

const stores = () => [new MemoryStore(), new CompactStore({ window: 1 }), new DiskStore({ cacheSize: 1 })];

describe('raw items: copied when added, or handed over', () => {
  it('addIndicator/addGroup copy: later changes to the object do not reach the chunk', () => {
    for (const store of stores()) {
      const batch = new Batch({ owner: 'MyOrg', store });
      const h = host();
      const g = group();
      batch.addIndicator(h);
      batch.addGroup(g);
      h.tag.push({ name: 'late' });
      h.attribute[0]!.value = 'changed';
      g.name = 'renamed';
      expect([...batch.chunks()].map((c) => c.text)).toStrictEqual([expected]);
      batch.close();
    }
  });

  it('addOwned gives the same chunks and the same errors as addIndicator/addGroup', () => {
    for (const store of stores()) {
      const batch = new Batch({ owner: 'MyOrg', store });
      batch.addOwned('indicator', host());
      batch.addOwned('group', group());
      expect([...batch.chunks()].map((c) => c.text)).toStrictEqual([expected]);
      const bad = { type: 'Host' as const, summary: 'c.example.com', xid: 'host-2', rating: 9 };
      const viaOwned = thrown(() => batch.addOwned('indicator', { ...bad }));
      const viaPublic = thrown(() => batch.addIndicator({ ...bad }));
      expect(viaOwned).toBeInstanceOf(ValidationError);
      expect(viaOwned.message).toBe('Host "c.example.com" xid "host-2" rating: rating is a number from 0 to 5 (ThreatConnect REST API: indicator types) (got 9)');
      expect(viaPublic.message).toBe(viaOwned.message);
      expect(viaOwned.code).toBe('TCB_INVALID_VALUE');
      batch.close();
    }
  });
});
