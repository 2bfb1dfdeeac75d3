// Issue 12 defects 5, 6, 7, 13, 14: batch content merges, hash summaries, Suricata rules,
// whitespace-only values, and the two differences found against the Python reference.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importFile, sniffFormat } from '../../src/importers/index.js';
import { importRules } from '../../src/importers/rules.js';
import { items } from './helpers.js';
import type { IndicatorTypeName } from '../../generated/catalog.js';
import { thrown } from '../support/thrown.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcbatch-defects-model-'));
const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';


describe('defect 5: duplicate xids in batch content are merged as TC’s batch cleaner does', () => {
  it('metadata arrays united, scalars from the first, a count in the report', async () => {
    const file = join(tmp, 'dup.json');
    writeFileSync(file, JSON.stringify({ indicator: [
      { type: 'Host', summary: 'a.com', xid: 'x1', rating: 3, tag: [{ name: 't1' }], attribute: [{ type: 'Description', value: 'one' }] },
      { type: 'Host', summary: 'a.com', xid: 'x1', rating: 5, tag: [{ name: 't1' }, { name: 't2' }], securityLabel: [{ name: 'TLP:AMBER' }], associatedGroups: [{ groupXid: 'g1' }] },
    ] }));
    const batch = new Batch();
    const report = await importFile(file, batch, 'batch');
    expect(items(batch).indicators).toStrictEqual([
      { type: 'Host', summary: 'a.com', xid: 'x1', rating: 3, tag: [{ name: 't1' }, { name: 't2' }], attribute: [{ type: 'Description', value: 'one' }], securityLabel: [{ name: 'TLP:AMBER' }], associatedGroups: [{ groupXid: 'g1' }] },
    ]);
    expect([report.counts, (report as unknown as { duplicates: number }).duplicates]).toStrictEqual([{ read: 2, groups: 0, indicators: 1, associations: 0, rejected: 0, skipped: 0 }, 1]);
  });
});

describe('defect 6: the docs File example (hash keys, no summary, no xid)', () => {
  it('gets the deterministic xid of its hashes', async () => {
    const file = join(tmp, 'file.json');
    writeFileSync(file, JSON.stringify({ indicator: [{ md5: MD5, sha1: SHA1, sha256: SHA256, type: 'File' }] }));
    const batch = new Batch();
    await importFile(file, batch, 'batch');
    // sha256("File-<md5> : <sha1> : <sha256>")
    expect(items(batch).indicators).toStrictEqual([{ md5: MD5, sha1: SHA1, sha256: SHA256, type: 'File', xid: '232d70ae39cf826c704040729194a8e006f85d8b9edb6b4dfdcb67ddaaf3022b' }]);
  });
});

describe('defect 7: Suricata rules', () => {
  const rules = [
    'alert dns $HOME_NET any -> any any (msg:"DNS evil"; dns_query; content:"evil.com"; sid:1; rev:1;)',
    'alert dns $HOME_NET any -> any any (msg:"DNS evil"; dns.query; content:"evil.net"; sid:1; rev:2;)',
    'alert http any any -> any any (msg:"HTTP evil"; http.uri; content:"/x"; sid:2;)',
    'alert tcp any any -> any any (msg:"TLS evil"; tls.sni; content:"evil.org"; sid:3;)',
  ].join('\n');
  it('are sniffed as Suricata by app-layer protocol and sticky buffers', () => {
    expect(sniffFormat('x.rules', rules)).toBe('suricata');
    expect(sniffFormat('x.txt', rules)).toBe('suricata');
    expect(sniffFormat('x.rules', 'alert tcp any any -> any 80 (msg:"x"; content:"a"; http_uri; sid:9;)')).toBe('snort');
  });
  it('give one Signature per rule, named uniquely, variants sharing a sid included', () => {
    const batch = new Batch();
    const report = importRules(rules, batch, { source: 'x.rules', format: 'suricata' });
    expect(report.counts.groups).toBe(4);
    expect(items(batch).groups.map((g) => [g.name, g.fileName, g.fileType])).toStrictEqual([
      ['DNS evil', 'sid-1.rules', 'Suricata'],
      ['DNS evil (sid 1, line 2)', 'sid-1-line-2.rules', 'Suricata'],
      ['HTTP evil', 'sid-2.rules', 'Suricata'],
      ['TLS evil', 'sid-3.rules', 'Suricata'],
    ]);
  });
  it('YARA: two rules with the same name in one file stay two Signatures (the second named with its line)', () => {
    const batch = new Batch();
    const report = importRules('rule a { condition: true }\nrule a { condition: false }\n', batch, { source: 'd.yar', format: 'yara' });
    expect([report.counts, report.duplicates]).toStrictEqual([{ read: 2, groups: 2, indicators: 0, associations: 0, rejected: 0, skipped: 0 }, 0]);
    expect(items(batch).groups).toStrictEqual([
      { name: 'a', type: 'Signature', xid: '22f06f63a05590aa04ec7fcb26534510d383e996a7a4f6e226ceb56afbf7eb7c', fileName: 'a.yar', fileType: 'YARA', fileText: 'rule a { condition: true }' },
      { name: 'a (line 2)', type: 'Signature', xid: '03984bda388f6d024ac1d8c579410eacdbc298b398ea8f35a7ce55b2fecab997' /* sha256('Signature-YARA-d.yar-a:line:2'), python hashlib */, fileName: 'a-line-2.yar', fileType: 'YARA', fileText: 'rule a { condition: false }' },
    ]);
    // the same file imported again: the same two xids, nothing new
    const again = importRules('rule a { condition: true }\nrule a { condition: false }\n', batch, { source: 'd.yar', format: 'yara' });
    expect([again.counts.groups, again.duplicates]).toStrictEqual([0, 2]);
  });
  it('a long msg is cut to 100 with the full text in a Description', () => {
    const batch = new Batch();
    importRules(`alert tcp any any -> any any (msg:"${'m'.repeat(120)}"; sid:7;)`, batch, { source: 'l.rules' });
    expect(items(batch).groups[0]).toMatchObject({ name: `${'m'.repeat(99)}…`, attribute: [{ type: 'Description', value: 'm'.repeat(120) }] });
  });
});

describe('defect 13: whitespace-only and BOM-only values are refused with the rule', () => {
  it.each([
    ['User Agent', '   ', 'summary: a User Agent is not only whitespace (ThreatConnect refuses it)'],
    ['Mutex', '\uFEFF', 'summary: a Mutex is not only whitespace (ThreatConnect refuses it)'],
  ])('%s %j', (type, value, reason) => {
    const batch = new Batch();
    const e = thrown(() => batch.addIndicator({ type: type as IndicatorTypeName, summary: value, xid: 'x' }));
    expect(`${e.field}: ${e.rule}`).toBe(reason);
    const b = thrown(() => batch.indicator(type as IndicatorTypeName, value));
    expect(b.rule).toBe(reason.slice('summary: '.length));
  });
  it('group names and tags', () => {
    const batch = new Batch();
    expect(thrown(() => batch.addGroup({ type: 'Threat', name: ' \t ', xid: 'g' })).rule).toBe('a group name is not only whitespace (ThreatConnect refuses it)');
    expect(thrown(() => batch.addIndicator({ type: 'Host', summary: 'a.com', xid: 'h', tag: [{ name: '  ' }] })).rule).toBe('a tag name is not only whitespace (ThreatConnect refuses it)');
  });
  it('a whitespace- or BOM-only tag is refused at the tag() call, not only later by chunks()', () => {
    const batch = new Batch();
    const host = batch.host('a.com', undefined, undefined, 'h');
    for (const name of [' \t ', '\uFEFF', '\u00a0']) {
      const e = thrown(() => host.tag(name));
      expect({ code: e.code, field: e.field, rule: e.rule, value: e.value }).toStrictEqual({ code: 'TCB_INVALID_VALUE', field: 'tag', rule: 'a tag name is not only whitespace (ThreatConnect refuses it)', value: name });
    }
    host.tag(' ok ');
    expect(items(batch).indicators).toStrictEqual([{ summary: 'a.com', type: 'Host', xid: 'h', tag: [{ name: ' ok ' }] }]);
  });
});

describe('defect 14: found against the Python reference', () => {
  it('an Interface 3 Host dict with dnsActive/whoisActive is written with flag1/flag2', () => {
    const batch = new Batch();
    batch.addIndicator({ type: 'Host', summary: 'a.com', xid: 'h', dnsActive: true, whoisActive: false });
    expect(items(batch).indicators).toStrictEqual([{ type: 'Host', summary: 'a.com', xid: 'h', flag1: true, flag2: false }]);
  });
  it('repeated association() calls are written once (the reference writes them twice)', () => {
    const batch = new Batch();
    const adversary = batch.adversary('adv', 'adv-1');
    const campaign = batch.campaign('camp', 'camp-1');
    const host = batch.host('a.com', undefined, undefined, 'h-1');
    for (let i = 0; i < 3; i++) {
      host.association(adversary);
      host.association('adv-1');
      campaign.association(adversary);
    }
    batch.association({ ref_1: 'a.com', type_1: 'Host', ref_2: '1.2.3.4', type_2: 'Address' });
    batch.association({ ref_1: 'a.com', type_1: 'Host', ref_2: '1.2.3.4', type_2: 'Address' });
    expect([...batch.chunks()].map((c) => JSON.parse(c.text) as unknown)).toStrictEqual([
      {
        group: [
          { name: 'adv', type: 'Adversary', xid: 'adv-1' },
          { name: 'camp', type: 'Campaign', xid: 'camp-1', associatedGroupXid: ['adv-1'] },
        ],
        indicator: [{ summary: 'a.com', type: 'Host', xid: 'h-1', associatedGroups: [{ groupXid: 'adv-1' }] }],
        association: [{ ref_1: 'a.com', type_1: 'Host', ref_2: '1.2.3.4', type_2: 'Address' }],
      },
    ]);
  });
  it('an Interface 2 Registry Key summary stays as given (only " : " separates)', () => {
    const batch = new Batch();
    const summary = 'HKEY_LOCAL_MACHINE\\Software\\Foo: Bar : v : REG_SZ';
    batch.indicator('Registry Key', summary, undefined, undefined, 'rk');
    expect(items(batch).indicators[0]!.summary).toBe(summary);
  });
});
