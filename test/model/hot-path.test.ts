// The paths made faster for issue 14 (target 2) keep their results: summaries split into the same
// value slots, a tag name seen valid before is not checked again but a bad one still throws at the
// call, attributes are still checked at the call, and each builder keeps its own state.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { indicatorTypes } from '../../generated/catalog.js';
import { splitSummary } from '../../src/batch/core.js';
import { Batch } from '../../src/index.js';
import type { IndicatorTypeInfo } from '../../src/model/catalog-types.js';
import { thrown } from '../support/thrown.js';

const defs = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../schemas/common/defs.json'), 'utf8')).$defs;
const info = (type: string) => (indicatorTypes as Record<string, IndicatorTypeInfo>)[type]!;
const [MD5, SHA1, SHA256] = ['a'.repeat(32), 'b'.repeat(40), 'c'.repeat(64)];


describe('splitSummary', () => {
  it('single-value types keep the summary whole', () => {
    expect(splitSummary(info('Host'), 'a : b')).toStrictEqual(['a : b']);
  });

  it('File parts are placed by hash length, in any order; a part of no hash length keeps the summary whole', () => {
    expect(splitSummary(info('File'), MD5)).toStrictEqual([MD5, undefined, undefined]);
    expect(splitSummary(info('File'), `${SHA256} : ${MD5}`)).toStrictEqual([MD5, undefined, SHA256]);
    expect(splitSummary(info('File'), ` ${SHA1} :  : ${SHA256} `)).toStrictEqual([undefined, SHA1, SHA256]);
    expect(splitSummary(info('File'), `${MD5} : ${MD5}`)).toStrictEqual([`${MD5} : ${MD5}`]);
    expect(splitSummary(info('File'), `${MD5} : abc`)).toStrictEqual([`${MD5} : abc`]);
  });

  it('Registry Key: fewer parts are padded, more go into the value name; only " : " separates', () => {
    expect(splitSummary(info('Registry Key'), 'HKEY_X')).toStrictEqual(['HKEY_X', undefined, undefined]);
    expect(splitSummary(info('Registry Key'), 'HKEY_X : v')).toStrictEqual(['HKEY_X', 'v', undefined]);
    expect(splitSummary(info('Registry Key'), 'HKEY_X : a : b : REG_SZ')).toStrictEqual(['HKEY_X', 'a : b', 'REG_SZ']);
    expect(splitSummary(info('Registry Key'), 'HKEY_X:v: REG_SZ')).toStrictEqual(['HKEY_X:v: REG_SZ', undefined, undefined]);
    expect(splitSummary(info('Registry Key'), ' : ')).toStrictEqual(['', '', undefined]);
  });
});

describe('metadata checks at the call', () => {
  it('a tag name valid on one item is accepted on the next; a bad one throws every time, naming its item', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const a = batch.address('10.0.0.1').tag('feed');
    const b = batch.address('10.0.0.2').tag('feed').tag('feed');
    expect([a.toJSON().tag, b.toJSON().tag]).toStrictEqual([[{ name: 'feed' }], [{ name: 'feed' }]]);
    for (const item of [a, b]) {
      const e = thrown(() => item.tag('t'.repeat(129)));
      expect([e.code, e.field, e.rule, e.item?.summary]).toStrictEqual(['TCB_INVALID_VALUE', 'tag', defs.tag.properties.name['x-tc-rule'], item.summary]);
    }
    const e = thrown(() => a.tag(7 as unknown as string));
    expect([e.field, e.value]).toStrictEqual(['tag', 7]);
    expect(a.toJSON().tag).toStrictEqual([{ name: 'feed' }]);
  });

  it('an attribute is checked at the call with its optional parts', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const a = batch.address('10.0.0.3');
    expect(thrown(() => a.attribute('Description', '')).field).toBe('attribute.value');
    a.attribute('Description', 'x', true, 'feed');
    a.attribute('Source', 'y');
    expect(a.toJSON().attribute).toStrictEqual([
      { type: 'Description', value: 'x', displayed: true, source: 'feed' },
      { type: 'Source', value: 'y' },
    ]);
    expect(a.attributes.length).toBe(2);
  });
});

describe('builder state', () => {
  it('each builder has its own containers, and a change after adding is kept', () => {
    const batch = new Batch({ owner: 'MyOrg' });
    const g1 = batch.adversary('g1');
    const g2 = batch.adversary('g2').association(g1);
    const f = batch.file(MD5);
    f.sha256 = SHA256;
    f.tag('x');
    const h = batch.host('h.example.com').association(g2);
    g1.tag('late');
    expect(g1.toJSON()).toStrictEqual({ name: 'g1', type: 'Adversary', xid: g1.xid, tag: [{ name: 'late' }] });
    expect(g2.toJSON().associatedGroupXid).toStrictEqual([g1.xid]);
    expect([...f.values]).toStrictEqual([MD5, undefined, SHA256]);
    expect(f.toJSON()).toStrictEqual({ summary: `${MD5} : ${SHA256}`, type: 'File', xid: f.xid, tag: [{ name: 'x' }] });
    expect(h.toJSON().associatedGroups).toStrictEqual([{ groupXid: g2.xid }]);
    expect([Object.keys(g1), Object.keys(h)]).toStrictEqual([['type', 'xid', 'info', 'name'], ['type', 'xid', 'info']]); // as before: no state on the instance's own keys
  });
});
