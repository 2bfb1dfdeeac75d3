// Issue 12 defect 12: the hostile-but-valid inputs of the issue, each a typed error or a reject
// naming the record and the rule.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch, ValidationError } from '../../src/index.js';
import { importMisp } from '../../src/importers/misp.js';
import { importStix } from '../../src/importers/stix.js';
import { validateFile } from '../../src/cli/validate.js';
import { validateBatchContent, validateHost } from '../../generated/validators/index.js';
import { formatIssue } from '../../src/model/validation.js';
import { items } from './helpers.js';

function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  return undefined;
}

describe('MISP', () => {
  it('"comment": 5, "Tag": {}, "Tag": [null], "Attribute": [null]', () => {
    const batch = new Batch();
    const report = importMisp({ Event: { info: 'e', uuid: 'ev-1', Tag: {}, Attribute: [null, { uuid: 'a1', type: 'domain', value: 'a.com', comment: 5, Tag: [null] }] } }, batch, { source: 'm' });
    expect(report.rejects).toStrictEqual([{ source: 'm#Attribute/0', value: 'null', reason: 'a MISP attribute is a JSON object' }]);
    expect(items(batch).indicators).toStrictEqual([{ summary: 'a.com', type: 'Host', xid: 'd89a102f18f6a1e8bcb89cc35cb7f778186dc1e1c4b3af42120e03752421065a', attribute: [{ type: 'Description', value: '5' }], associatedGroups: [{ groupXid: 'ev-1' }] }]);
  });
});

describe('MISP records without uuid or id', () => {
  it('are named by their place in the event', () => {
    const doc = { Event: { info: 'e', uuid: 'ev-1', Attribute: [{ type: 'domain', value: 'a.com' }, { type: 'constructor', value: 'x' }], Object: [{ name: 'file', Attribute: [{ object_relation: 'md5', value: 'nope' }, { object_relation: 'mimetype', value: 'x' }] }] } };
    const report = importMisp(doc, new Batch(), { source: 'm' });
    expect([report.rejects, report.skipped]).toStrictEqual([
      [
        { source: 'm#Attribute/1', value: 'x', reason: 'MISP type "constructor" has no ThreatConnect mapping' },
        { source: 'm#Object/0/Attribute/0', value: 'nope', reason: 'file object md5: not a md5' },
        { source: 'm#Object/0', value: '', reason: 'file object without an md5, sha1 or sha256' },
      ],
      [{ source: 'm#Object/0/Attribute/1', reason: 'file object attribute "mimetype" has no ThreatConnect File field' }],
    ]);
  });
});

describe('STIX', () => {
  it('"first_seen": {"toString": 1} is a reject naming the object and field', () => {
    const report = importStix({ type: 'bundle', id: 'bundle--1', objects: [{ type: 'campaign', id: 'campaign--1', name: 'c', first_seen: { toString: 1 } }] }, new Batch(), { source: 's' });
    expect(report.rejects).toStrictEqual([{ source: 'campaign--1', value: '[object Object]', reason: 'firstSeen: a STIX timestamp is a string' }]);
  });
  it('a relationship whose refs are not strings names the field, never "undefined"', () => {
    const objects = [
      { type: 'malware', id: 'malware--1', name: 'm' },
      { type: 'relationship', id: 'relationship--1', relationship_type: 'uses', source_ref: 5, target_ref: 'malware--1' },
      { type: 'relationship', id: 'relationship--2', source_ref: 'malware--1', target_ref: null },
    ];
    const report = importStix({ type: 'bundle', id: 'bundle--1', objects }, new Batch(), { source: 's' });
    expect(report.rejects).toStrictEqual([
      { source: 'relationship--1', value: '5 uses malware--1', reason: "a relationship's source_ref is a STIX id (a string)" },
      { source: 'relationship--2', value: 'malware--1  null', reason: "a relationship's target_ref is a STIX id (a string)" },
    ]);
  });
});

describe('type names that are Object.prototype keys', () => {
  it.each(['constructor', 'toString', 'hasOwnProperty'])('%s in addGroup, addIndicator, validateBatchContent and tcbatch validate', (type) => {
    const batch = new Batch();
    // untyped callers: the names are checked at run time
    const t = type as never;
    for (const f of [() => batch.addGroup({ type: t, name: 'x', xid: 'x' }), () => batch.addIndicator({ type: t, summary: 'x', xid: 'x' }), () => batch.indicator(t, 'x'), () => batch.group(t, 'x')]) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).field).toBe('type');
    }
    const r = validateBatchContent({ indicator: [{ type, summary: 'x' }] });
    expect(r.valid).toBe(false);
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-hostile-'));
    writeFileSync(join(dir, 'a.ndjson'), `${JSON.stringify({ type, summary: 'x' })}\n`);
    const v = validateFile(join(dir, 'a.ndjson'));
    expect([v.valid, v.issues.map((i) => i.pointer)]).toStrictEqual([false, ['/type']]);
  });
});

describe('builders', () => {
  it('.association(null), an object as the type, BigInt and Symbol values', () => {
    const batch = new Batch();
    const cases: Array<[() => unknown, string]> = [
      [() => batch.host('a.com').association(null as never), 'an association needs a group or a group xid'],
      [() => batch.association(null as never), 'an association is an object with ref_1/id_1, type_1, ref_2/id_2, type_2'],
      [() => batch.indicator({ type: 'Host' } as never, 'a.com'), `an indicator type is one of`],
      [() => batch.addIndicator({ type: 'Host', summary: 'a.com', xid: 'x', rating: 1n }), 'rating is a number from 0 to 5'],
      [() => batch.addIndicator({ type: 'Host', summary: Symbol('s'), xid: 'x' }), 'must be of type string'],
      [() => batch.file({ md5: Object.create(null) as string }), 'indicator values are strings'],
    ];
    for (const [f, rule] of cases) {
      const e = thrown(f);
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).rule).toContain(rule);
    }
  });
  it('addKeyValue with Object.prototype keys (or a Symbol) names the key: no field is read from the prototype', () => {
    const host = new Batch().host('a.com');
    const got = ['constructor', '__proto__', 'toString', Symbol('k')].map((k) => {
      const e = thrown(() => host.addKeyValue(k as never, 1)) as ValidationError;
      return [e.constructor.name, e.code, `${e.field}: ${e.rule.split(';')[0]}`];
    });
    expect(got).toStrictEqual([
      ['ValidationError', 'TCB_UNKNOWN_FIELD', 'constructor: is not a field of Host'],
      ['ValidationError', 'TCB_UNKNOWN_FIELD', '__proto__: is not a field of Host'],
      ['ValidationError', 'TCB_UNKNOWN_FIELD', 'toString: is not a field of Host'],
      ['ValidationError', 'TCB_UNKNOWN_FIELD', 'Symbol(k): is not a field of Host'],
    ]);
  });
  it('a file nested 20,000 levels deep: tcbatch validate reports it, no RangeError', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-deep-'));
    const file = join(dir, 'deep.json');
    writeFileSync(file, `{"indicator":[${'['.repeat(20_000)}${']'.repeat(20_000)}]}`);
    expect(validateFile(file)).toStrictEqual({ file, valid: false, items: 0, issues: [], error: `${file}: invalid JSON at line 1, column 1: nested deeper than 256 levels` });
  });
  it('validators and formatIssue on values 20,000 levels deep, BigInt and Symbol: issue lines, no RangeError', () => {
    let arr: unknown = 1;
    let obj: unknown = 1;
    for (let i = 0; i < 20_000; i++) {
      arr = [arr];
      obj = { a: obj };
    }
    const results = [
      validateBatchContent({ indicator: [{ type: 'Host', summary: 'a.com', xid: 'h1', attribute: arr }] }),
      validateBatchContent({ group: [{ type: 'Adversary', name: 'a', xid: 'g1', tag: obj }] }),
      validateHost({ type: 'Host', summary: 'a.com', big: 10n, tag: [{ name: 't', sym: Symbol('s') }] }),
    ];
    expect(results.map((r) => r.issues.map(formatIssue))).toStrictEqual([
      ['/indicator/0/attribute/0 [Host h1]: must be of type object (value [object Array])'],
      ['/group/0/tag [Adversary g1]: must be of type array (value [object Object])'],
      ['/tag/0/sym [Host a.com]: sym is not a field of this object in the Batch V2 format (value Symbol(s))', '/big [Host a.com]: big is not a field of this object in the Batch V2 format (value 10n)'],
    ]);
  });
});
