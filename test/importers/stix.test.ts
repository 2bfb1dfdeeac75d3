// STIX importer and STIX pattern grammar. Expected values were written by hand from the shipped
// files in data/stix/ (counts cross-checked with an independent script over the raw JSON).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importStix } from '../../src/importers/stix.js';
import { extractObservables, parsePattern, StixPatternSyntaxError } from '../../src/importers/stix-pattern.js';
import type { ImportReport } from '../../src/importers/report.js';

const load = (name: string): unknown => JSON.parse(readFileSync(new URL(`../../data/stix/${name}`, import.meta.url), 'utf8'));

interface Imported {
  batch: Batch;
  report: ImportReport;
  items: Map<string, Record<string, unknown>>;
  association: Array<Record<string, unknown>>;
  byType: Record<string, number>;
}

function run(name: string, options: { includeRevoked?: boolean; includeDeprecated?: boolean } = {}): Imported {
  const batch = new Batch({ owner: 'Test Org' });
  const report = importStix(load(name), batch, { source: `data/stix/${name}`, ...options });
  const items = new Map<string, Record<string, unknown>>();
  const association: Array<Record<string, unknown>> = [];
  const byType: Record<string, number> = {};
  for (const chunk of batch.chunks()) {
    const content = JSON.parse(chunk.text) as { group?: Array<Record<string, unknown>>; indicator?: Array<Record<string, unknown>>; association?: Array<Record<string, unknown>> };
    for (const x of [...(content.group ?? []), ...(content.indicator ?? [])]) {
      items.set(x.xid as string, x);
      byType[x.type as string] = (byType[x.type as string] ?? 0) + 1;
    }
    association.push(...(content.association ?? []));
  }
  return { batch, report, items, association, byType };
}

const reasons = (r: ImportReport): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const s of r.skipped) {
    const k = s.reason.replace(/--[0-9a-f-]{36}/g, '--*');
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
};

describe('STIX pattern grammar', () => {
  const ok: Array<[string, Array<[string, Record<string, string>]>, string[]]> = [
    ["[ipv4-addr:value = '198.51.100.1']", [['ipv4-addr', { 'ipv4-addr:value': '198.51.100.1' }]], []],
    ["[ ipv4-addr:value == '10.0.0.0' ]", [['ipv4-addr', { 'ipv4-addr:value': '10.0.0.0' }]], []],
    ["[ipv6-addr:value = '2001:db8::1']", [['ipv6-addr', { 'ipv6-addr:value': '2001:db8::1' }]], []],
    ["[domain-name:value = 'example.com' OR ipv4-addr:value = '203.0.113.5']", [['domain-name', { 'domain-name:value': 'example.com' }], ['ipv4-addr', { 'ipv4-addr:value': '203.0.113.5' }]], []],
    ["[url:value = 'http://x4z9arb.cn/4712/']", [['url', { 'url:value': 'http://x4z9arb.cn/4712/' }]], []],
    ["[email-addr:value = 'bad@example.com']", [['email-addr', { 'email-addr:value': 'bad@example.com' }]], []],
    ["[file:hashes.'SHA-256' = 'aa' AND file:hashes.MD5 = 'bb']", [['file', { 'file:hashes.SHA-256': 'aa', 'file:hashes.MD5': 'bb' }]], []],
    ["[file:hashes.md5 = 'cc' AND file:hashes.sha1 = 'dd']", [['file', { 'file:hashes.MD5': 'cc', 'file:hashes.SHA-1': 'dd' }]], []],
    ["[file:hashes.'SHA-1' = 'ee']", [['file', { 'file:hashes.SHA-1': 'ee' }]], []],
    ['[autonomous-system:number = 15139]', [['autonomous-system', { 'autonomous-system:number': '15139' }]], []],
    [
      "[windows-registry-key:key = 'HKEY_LOCAL_MACHINE\\\\Run' AND windows-registry-key:values[*].name = 'evil']",
      [['windows-registry-key', { 'windows-registry-key:key': 'HKEY_LOCAL_MACHINE\\Run', 'windows-registry-key:values[*].name': 'evil' }]],
      [],
    ],
    ["[mutex:name = 'Global\\\\x' ]", [['mutex', { 'mutex:name': 'Global\\x' }]], []],
    ["[email-message:subject = 'it\\'s urgent']", [['email-message', { 'email-message:subject': "it's urgent" }]], []],
    ["[url:value = 'http://a/'] OR [url:value = 'http://b/']", [['url', { 'url:value': 'http://a/' }], ['url', { 'url:value': 'http://b/' }]], []],
    ["([mutex:name = 'm'])", [['mutex', { 'mutex:name': 'm' }]], []],
    // partly supported: the OR alternative that is supported still comes out
    ["[domain-name:value = 'a.example' OR file:name = 'x.exe']", [['domain-name', { 'domain-name:value': 'a.example' }]], ['object path file:name is not supported']],
    // unsupported operators, paths and structures
    ["[email-message:subject MATCHES '^x']", [], ['operator MATCHES is not supported (only =)']],
    ["[ipv4-addr:value != '1.2.3.4']", [], ['operator != is not supported (only =)']],
    ["[ipv4-addr:value <> '1.2.3.4']", [], ['operator != is not supported (only =)']],
    ["[ipv4-addr:value NOT = '1.2.3.4']", [], ['NOT = is not supported']],
    ["[ipv4-addr:value IN ('1.2.3.4', '5.6.7.8')]", [], ['operator IN is not supported (only =)']],
    ["[ipv4-addr:value ISSUBSET '10.0.0.0/8']", [], ['operator ISSUBSET is not supported (only =)']],
    ["[url:value LIKE 'http://%']", [], ['operator LIKE is not supported (only =)']],
    ['[file:size > 1024]', [], ['operator > is not supported (only =)']],
    ['[EXISTS windows-registry-key:values]', [], ['EXISTS is not supported']],
    ["[x509-certificate:issuer = 'CN=WEBMAIL']", [], ['object path x509-certificate:issuer is not supported']],
    ["[file:hashes.'SHA-512' = 'ff']", [], ['object path file:hashes.SHA-512 is not supported']],
    ["[ipv4-addr:value = '1.1.1.1' AND domain-name:value = 'a.b']", [], ['AND across object types (ipv4-addr, domain-name) is not supported']],
    ["[ipv4-addr:value = '1.1.1.1' AND ipv4-addr:value = '2.2.2.2']", [], ['ipv4-addr:value compared with two values under AND']],
    ["[windows-registry-key:values[*].name = 'v']", [], ['windows-registry-key:values[*].name needs windows-registry-key:key in the same AND']],
    ["[ipv4-addr:value = '1.1.1.1' AND (domain-name:value = 'a' OR domain-name:value = 'b')]", [], ['OR nested inside AND is not supported']],
    ["[autonomous-system:number = '15139']", [], ['autonomous-system:number needs an integer literal']],
    ["[url:value = 'http://a/'] AND [url:value = 'http://b/']", [], ['observation operator AND is not supported']],
    ["[url:value = 'http://a/'] FOLLOWEDBY [url:value = 'http://b/']", [], ['observation operator FOLLOWEDBY is not supported']],
    ["[url:value = 'http://a/'] WITHIN 300 SECONDS", [], ['qualifier WITHIN is not supported']],
    ["[url:value = 'http://a/'] REPEATS 5 TIMES", [], ['qualifier REPEATS is not supported']],
    ["[url:value = 'http://a/'] START t'2016-06-01T00:00:00Z' STOP t'2016-07-01T00:00:00.5Z'", [], ['qualifier START/STOP is not supported']],
  ];
  it.each(ok)('%s', (pattern, observables, unsupported) => {
    const result = extractObservables(parsePattern(pattern));
    expect(result.observables.map((o) => [o.objectType, o.values])).toStrictEqual(observables);
    expect(result.unsupported.map((u) => u.reason)).toStrictEqual(unsupported);
  });

  it('parses literals and paths into an exact tree', () => {
    expect(parsePattern("[file:hashes.'SHA-256' = 'a\\\\b' AND windows-registry-key:values[0].data = h'ff'] REPEATS 2 TIMES")).toStrictEqual({
      kind: 'qualified',
      qualifier: { kind: 'repeats', times: 2 },
      text: "[file:hashes.'SHA-256' = 'a\\\\b' AND windows-registry-key:values[0].data = h'ff'] REPEATS 2 TIMES",
      observation: {
        kind: 'observation',
        text: "[file:hashes.'SHA-256' = 'a\\\\b' AND windows-registry-key:values[0].data = h'ff']",
        comparison: {
          kind: 'and',
          text: "file:hashes.'SHA-256' = 'a\\\\b' AND windows-registry-key:values[0].data = h'ff'",
          left: { kind: 'test', path: { objectType: 'file', steps: ['hashes', 'SHA-256'], text: 'file:hashes.SHA-256' }, op: '=', negated: false, value: { kind: 'string', value: 'a\\b' }, text: "file:hashes.'SHA-256' = 'a\\\\b'" },
          right: {
            kind: 'test',
            path: { objectType: 'windows-registry-key', steps: ['values', 0, 'data'], text: 'windows-registry-key:values[0].data' },
            op: '=',
            negated: false,
            value: { kind: 'hex', value: 'ff' },
            text: "windows-registry-key:values[0].data = h'ff'",
          },
        },
      },
    });
    const lit = (p: string) => (parsePattern(p) as { comparison: { value: unknown } }).comparison.value;
    expect(lit('[x:y = -12]')).toStrictEqual({ kind: 'int', value: -12 });
    expect(lit('[x:y = 1.5]')).toStrictEqual({ kind: 'float', value: 1.5 });
    expect(lit('[x:y = TRUE]')).toStrictEqual({ kind: 'bool', value: true });
    expect(lit("[x:y = t'2020-01-02T03:04:05Z']")).toStrictEqual({ kind: 'timestamp', value: '2020-01-02T03:04:05Z' });
    expect(lit("[x:y = b'AAEC']")).toStrictEqual({ kind: 'binary', value: 'AAEC' });
    expect(lit("[x:y IN (1, 'a')]")).toStrictEqual([{ kind: 'int', value: 1 }, { kind: 'string', value: 'a' }]);
  });

  it.each([
    ['[ipv4-addr:value = 1.2.3.4]', 22], // '1.2' parses as a float, then '.' is not ']',
    ["ipv4-addr:value = '1.2.3.4'", 0],
    ["[file:hashes.SHA-256 = 'x']", 16],
    ["[url:value = 'http://a/'", 24],
    ["[url:value = 'a\\b']", 15],
    ["[url:value = 'a'] and [url:value = 'b']", 18],
    ['', 0],
  ])('rejects %j at offset %i', (pattern, offset) => {
    let err: unknown;
    try {
      parsePattern(pattern);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(StixPatternSyntaxError);
    expect((err as StixPatternSyntaxError).offset).toBe(offset);
    expect((err as StixPatternSyntaxError).pattern).toBe(pattern);
  });
});

describe('importStix: ATT&CK v18.1 subset', () => {
  const attack = run('enterprise-attack-v18.1-subset.json');

  it('counts every object: 358 groups, 957 relationship + 216 kill-chain associations, 19 skipped', () => {
    expect(attack.report.counts).toStrictEqual({ read: 1334, groups: 358, indicators: 0, associations: 1173, rejected: 0, skipped: 19 });
    expect(attack.byType).toStrictEqual({ 'Attack Pattern': 176, Tactic: 14, Campaign: 12, 'Intrusion Set': 8, Malware: 74, Tool: 32, 'Course of Action': 42 });
    expect(reasons(attack.report)).toStrictEqual({
      revoked: 5,
      'deprecated (x_mitre_deprecated)': 8,
      'identity is not a ThreatConnect item': 1,
      'marking-definition is not a ThreatConnect item (TLP markings become security labels)': 1,
      'x-mitre-matrix is not a ThreatConnect item': 1,
      'source attack-pattern--* was not imported (revoked)': 3,
    });
    expect(attack.report.rejects).toStrictEqual([]);
    expect(attack.association).toStrictEqual([]);
    // the associations are in the groups: each counted edge is one associatedGroupXid entry
    const edges = [...attack.items.values()].reduce((n, g) => n + ((g.associatedGroupXid as unknown[] | undefined)?.length ?? 0), 0);
    expect(edges).toBe(1173);
  });

  it('T1030 Data Transfer Size Limits: exact JSON, tag, description, tactic association; Rclone uses it', () => {
    expect(attack.items.get('attack-pattern--c3888c54-775d-4b2f-b759-75a2ececcbfd')).toStrictEqual({
      name: 'Data Transfer Size Limits',
      type: 'Attack Pattern',
      xid: 'attack-pattern--c3888c54-775d-4b2f-b759-75a2ececcbfd',
      externalDateAdded: '2017-05-31T21:30:34Z',
      externalLastModified: '2025-10-24T17:49:20Z',
      attribute: [
        {
          type: 'Description',
          value:
            'An adversary may exfiltrate data in fixed size chunks instead of whole files or limit packet sizes below certain thresholds. This approach may be used to avoid triggering network data transfer threshold alerts.',
          displayed: true,
        },
      ],
      tag: [{ name: 'T1030 - Data Transfer Size Limits' }],
      associatedGroupXid: ['x-mitre-tactic--9a4e74ab-5008-408c-84bf-a10dfbc53462'],
    });
    const tactic = attack.items.get('x-mitre-tactic--9a4e74ab-5008-408c-84bf-a10dfbc53462')!;
    expect([tactic.name, tactic.type, tactic.tag]).toStrictEqual(['Exfiltration', 'Tactic', [{ name: 'TA0010 - Exfiltration' }]]);
    const rclone = attack.items.get('tool--59096109-a1dd-463b-87e7-a8d110fe3a79')!;
    expect([rclone.name, rclone.tag, rclone.associatedGroupXid]).toStrictEqual([
      'Rclone',
      [{ name: 'S1040 - Rclone' }],
      ['attack-pattern--bf1b6176-597c-4600-bfcd-ac989670f96b', 'attack-pattern--7bc57495-ea59-4380-be31-a64af124ef18', 'attack-pattern--c3888c54-775d-4b2f-b759-75a2ececcbfd'],
    ]);
  });

  it('Night Dragon: the campaign has firstSeen/lastSeen; the deprecated intrusion set is skipped by default', () => {
    const campaign = attack.items.get('campaign--ae407e32-87e0-4d92-8705-3ae25d504d8a')!;
    expect([campaign.name, campaign.type, campaign.firstSeen, campaign.lastSeen, campaign.tag]).toStrictEqual(['Night Dragon', 'Campaign', '2009-11-01T04:00:00Z', '2011-02-01T05:00:00Z', [{ name: 'C0002 - Night Dragon' }]]);
    expect((campaign.associatedGroupXid as string[]).length).toBe(17);
    expect(attack.items.has('intrusion-set--23b6a0f5-fa95-46f9-a6f3-4549c5e45ec8')).toBe(false);
    expect(attack.report.skipped).toContainEqual({ source: 'intrusion-set--23b6a0f5-fa95-46f9-a6f3-4549c5e45ec8', reason: 'deprecated (x_mitre_deprecated)' });
  });

  it('with includeDeprecated and includeRevoked, Night Dragon is two groups and every object is imported', () => {
    const all = run('enterprise-attack-v18.1-subset.json', { includeDeprecated: true, includeRevoked: true });
    const nightDragon = [...all.items.values()].filter((g) => g.name === 'Night Dragon').map((g) => [g.type, g.xid]);
    expect(nightDragon).toStrictEqual([
      ['Campaign', 'campaign--ae407e32-87e0-4d92-8705-3ae25d504d8a'],
      ['Intrusion Set', 'intrusion-set--23b6a0f5-fa95-46f9-a6f3-4549c5e45ec8'],
    ]);
    // 181 + 74 + 44 + 32 + 14 + 12 + 12 groups; 960 relationships (revoked-by included) + 221 kill-chain edges
    expect(all.report.counts).toStrictEqual({ read: 1334, groups: 369, indicators: 0, associations: 1181, rejected: 0, skipped: 5 });
    expect(reasons(all.report)).toStrictEqual({
      'identity is not a ThreatConnect item': 1,
      'marking-definition is not a ThreatConnect item (TLP markings become security labels)': 1,
      'x-mitre-data-source is not a ThreatConnect item': 2,
      'x-mitre-matrix is not a ThreatConnect item': 1,
    });
  });
});

describe('importStix: OASIS examples', () => {
  it('poisonivy.json: report, campaigns, vulnerabilities; OR patterns become Host/Address; bad values and file:name rejected', () => {
    const { report, byType, items } = run('poisonivy.json');
    expect(report.counts).toStrictEqual({ read: 155, groups: 39, indicators: 42, associations: 213, rejected: 3, skipped: 11 });
    expect(byType).toStrictEqual({ Malware: 25, Campaign: 3, 'Attack Pattern': 3, Vulnerability: 6, 'Course of Action': 1, Report: 1, Address: 18, Host: 24 });
    expect(report.rejects).toStrictEqual([
      {
        source: 'indicator--4e4c4ad7-4909-456a-b6fa-e24a6f682a40',
        value: 'domain autuo.xicp.net',
        reason: 'Host: summary: a Host is an RFC 1123 host name in ASCII (IDNs as punycode), no underscores (ThreatConnect REST API: indicator types)',
      },
      { source: 'indicator--137acf67-cedc-4a07-8719-72759174de3a', value: "[file:name = 'CBricksDoc']", reason: "unsupported STIX pattern: object path file:name is not supported in file:name = 'CBricksDoc'" },
      { source: 'indicator--0b71628d-31dd-4eb8-baee-39f19c0a14b0', value: "[file:name = 'CPiShellPutDoc']", reason: "unsupported STIX pattern: object path file:name is not supported in file:name = 'CPiShellPutDoc'" },
    ]);
    expect(reasons(report)).toStrictEqual({ 'identity is not a ThreatConnect item': 1, 'source indicator--* gave no ThreatConnect item (see rejects)': 10 });
    const pivy = items.get('report--f2b63e80-b523-4747-a069-35c002c690db')!;
    expect([pivy.name, pivy.type, pivy.publishDate, pivy.externalDateAdded, (pivy.associatedGroupXid as string[]).length]).toStrictEqual([
      'Poison Ivy: Assessing Damage and Extracting Intelligence',
      'Report',
      '2013-08-21T00:00:00Z',
      '2015-05-15T09:12:16Z',
      37,
    ]);
    // the address of the rejected "domain autuo.xicp.net" alternative is still imported
    expect([...items.values()].some((x) => x.summary === '60.10.1.115' && x.type === 'Address')).toBe(true);
  });

  it('apt1.json: Adversary/Intrusion Set/Tool groups, CIDR and File indicators from patterns, x509 patterns rejected with their text', () => {
    const { report, byType, items } = run('apt1.json');
    expect(report.counts).toStrictEqual({ read: 76, groups: 30, indicators: 10, associations: 65, rejected: 2, skipped: 8 });
    expect(byType).toStrictEqual({ 'Intrusion Set': 1, Adversary: 5, Malware: 6, Tool: 10, 'Attack Pattern': 7, Report: 1, CIDR: 4, Host: 3, File: 3 });
    expect(report.rejects).toStrictEqual([
      {
        source: 'indicator--b3b6b540-d838-41e2-853b-005056c00008',
        value: "[x509-certificate:issuer = 'CN=WEBMAIL' AND x509-certificate:serial_number = '4c:0b:1d:19:74:86:a7:66:b4:1a:bf:40:27:21:76:28']",
        reason: "unsupported STIX pattern: object path x509-certificate:issuer is not supported in x509-certificate:issuer = 'CN=WEBMAIL'",
      },
      {
        source: 'indicator--b3b7035e-d838-41e2-8d38-005056c00008',
        value: "[x509-certificate:issuer = 'CN=LM-68AB71FBD8F5' AND x509-certificate:serial_number = '0e:97:88:1c:6c:a1:37:96:42:03:bc:45:42:24:75:6c']",
        reason: "unsupported STIX pattern: object path x509-certificate:issuer is not supported in x509-certificate:issuer = 'CN=LM-68AB71FBD8F5'",
      },
    ]);
    // [file:hashes.md5 = '001dd768...'] (the STIX 2.0 hash spelling), default xid sha256("File-001dd768...")
    expect(items.get('264841af364eb70798c442df65f5e002ca2c599928d7e9995d21b80ff50a6f0f')).toStrictEqual({
      summary: '001dd76872d80801692ff942308c64e6',
      type: 'File',
      xid: '264841af364eb70798c442df65f5e002ca2c599928d7e9995d21b80ff50a6f0f',
      externalDateAdded: '2015-05-15T09:12:16Z',
      externalLastModified: '2015-05-15T09:12:16Z',
      attribute: [{ type: 'Description', value: 'Test description.', displayed: true }],
      associatedGroups: [{ groupXid: 'report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf' }],
    });
    const cidr = [...items.values()].find((x) => x.summary === '223.166.0.0/15')!;
    expect([cidr.type, cidr.associatedGroups]).toStrictEqual(['CIDR', [{ groupXid: 'malware--33159b98-3264-4e10-a968-d67975b6272f' }, { groupXid: 'report--e33ffe07-2f4c-48d8-b0af-ee2619d765cf' }]]);
  });

  it('sighting-of-observed-data.json: 2.1 SCOs become File (hashes, size, file name) and Registry Key with observed dates', () => {
    const { report, byType, items } = run('sighting-of-observed-data.json');
    expect(report.counts).toStrictEqual({ read: 8, groups: 1, indicators: 2, associations: 0, rejected: 0, skipped: 3 });
    expect(byType).toStrictEqual({ Malware: 1, File: 1, 'Registry Key': 1 });
    expect(report.skipped).toStrictEqual([
      { source: 'identity--7865b6d2-a4af-45c5-b582-afe5ec376c33', reason: 'identity is not a ThreatConnect item' },
      { source: 'identity--987eeee1-413a-44ac-96cc-0a8acdcc2f2c', reason: 'identity is not a ThreatConnect item' },
      { source: 'sighting--779c4ae8-e134-4180-baa4-03141095d971', reason: 'sighting is not a ThreatConnect item' },
    ]);
    const indicators = [...items.values()].filter((x) => x.summary !== undefined);
    expect(indicators).toStrictEqual([
      {
        summary: '1717b7fff97d37a1e1a0029d83492de1 : c79a326f8411e9488bdc3779753e1e3489aaedea',
        type: 'File',
        xid: '99f62240d4af2dcb3e6e67350bce9d330db8ee137b606db60160e498dbb49ef8',
        intValue1: 83968,
        firstSeen: '2017-02-27T21:37:11Z',
        lastSeen: '2017-02-27T21:37:11Z',
        fileOccurrence: [{ fileName: 'resume.pdf' }],
      },
      {
        // a key without values: ' ' is TC's "no value name", REG_NONE "no value type"
        summary: 'HKEY_LOCAL_MACHINE\\SYSTEM\\ControlSet001\\Services\\WSALG2 :   : REG_NONE',
        type: 'Registry Key',
        xid: 'a1ddedc63537f4ec9088951d76837918bbd7710fb39544e1f39894131181ff42',
        firstSeen: '2017-02-27T21:37:11Z',
        lastSeen: '2017-02-27T21:37:11Z',
      },
    ]);
  });

  it('using-marking-definitions.json: the TLP:AMBER marking becomes a security label, the statement marking does not', () => {
    const { report, items } = run('using-marking-definitions.json');
    expect(report.counts).toStrictEqual({ read: 4, groups: 0, indicators: 1, associations: 0, rejected: 0, skipped: 3 });
    expect([...items.values()]).toStrictEqual([
      {
        summary: '10.0.0.0',
        type: 'Address',
        xid: '7b93417fee23f585d35720c417a2f99bf7ff74f44a239d051a15485b3b5fe80f',
        externalDateAdded: '2017-04-14T13:07:49Z',
        externalLastModified: '2017-04-14T13:07:49Z',
        attribute: [{ type: 'Description', value: 'Detected malicious activity from this address', displayed: true }],
        securityLabel: [{ name: 'TLP:AMBER', description: 'Traffic Light Protocol: AMBER', color: 'FFC000' }],
      },
    ]);
  });
});

describe('importStix: rules on small hand-written bundles', () => {
  const at = (id: string) => `indicator--0000000${id}-0000-4000-8000-000000000000`;
  it('well-known STIX TLP ids without definitions, unknown markings rejected, relationships of every kind', () => {
    const batch = new Batch({ owner: 'Test Org' });
    const bundle = {
      type: 'bundle',
      id: 'bundle--1',
      objects: [
        { type: 'malware', id: 'malware--1', name: 'M', object_marking_refs: ['marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da', 'marking-definition--unknown'] },
        { type: 'indicator', id: at('1'), pattern: "[url:value = 'http://evil.example/a']", pattern_type: 'stix', confidence: 80 },
        { type: 'indicator', id: at('2'), pattern: "[domain-name:value = 'evil.example']", pattern_type: 'stix' },
        { type: 'indicator', id: at('3'), pattern: "[mutex:name = 'm1']", pattern_type: 'stix' },
        { type: 'indicator', id: at('4'), pattern: 'rule x { condition: true }', pattern_type: 'yara' },
        { type: 'indicator', id: at('5'), pattern: "[url:value = 'http://evil.example/a'" },
        { type: 'relationship', id: 'relationship--1', relationship_type: 'indicates', source_ref: at('1'), target_ref: 'malware--1' },
        { type: 'relationship', id: 'relationship--2', relationship_type: 'related-to', source_ref: at('1'), target_ref: at('2') },
        { type: 'relationship', id: 'relationship--3', relationship_type: 'related-to', source_ref: at('2'), target_ref: at('3') },
        { type: 'relationship', id: 'relationship--4', relationship_type: 'indicates', source_ref: at('1'), target_ref: 'malware--1' },
        { type: 'relationship', id: 'relationship--5', relationship_type: 'indicates', source_ref: at('1'), target_ref: 'malware--404' },
        { type: 'x-custom-thing', id: 'x-custom-thing--1' },
        { type: 'campaign', id: 'campaign--long', name: 'x'.repeat(101) },
        { type: 'malware', id: 'malware--1', name: 'M again' },
      ],
    };
    const report = importStix(bundle, batch, { source: 'hand' });
    expect(report.counts).toStrictEqual({ read: 14, groups: 2, indicators: 3, associations: 2, rejected: 5, skipped: 3 });
    expect(report.rejects).toStrictEqual([
      { source: 'malware--1', value: 'marking-definition--unknown', reason: 'unknown marking definition (not in the bundle and not a STIX TLP marking); no security label' },
      { source: at('4'), value: 'rule x { condition: true }', reason: 'pattern_type yara is not supported (only stix)' },
      { source: at('5'), value: "[url:value = 'http://evil.example/a'", reason: 'invalid STIX pattern at offset 36: Line 1, col 37: expected "]"' },
      { source: 'relationship--3', value: `${at('2')} related-to ${at('3')}`, reason: 'no built-in ThreatConnect association type between Host and Mutex' },
      { source: 'relationship--5', value: `${at('1')} indicates malware--404`, reason: 'target_ref malware--404 is not in the bundle' },
    ]);
    expect(report.skipped).toStrictEqual([
      { source: 'x-custom-thing--1', reason: 'x-custom-thing is not a ThreatConnect item' },
      { source: 'malware--1', reason: 'duplicate id: an earlier object in the bundle has the same id (the first one is imported)' },
      { source: 'relationship--4', reason: 'duplicate: every association it makes is already in the batch' },
    ]);
    const chunks = [...batch.chunks()].map((c) => JSON.parse(c.text) as Record<string, unknown>);
    expect(chunks).toHaveLength(1);
    expect(chunks[0]!.group).toStrictEqual([
      { name: 'M', type: 'Malware', xid: 'malware--1', securityLabel: [{ name: 'TLP:GREEN', description: 'Traffic Light Protocol: GREEN', color: '33FF00' }] },
      // defect 9, the long-name policy: cut to 100 with an ellipsis, the full name in a Description, the xid the STIX id
      { name: `${'x'.repeat(99)}…`, type: 'Campaign', xid: 'campaign--long', attribute: [{ type: 'Description', value: 'x'.repeat(101) }] },
    ]);
    expect(chunks[0]!.association).toStrictEqual([{ associationType: 'URL Host', ref_1: 'http://evil.example/a', type_1: 'URL', ref_2: 'evil.example', type_2: 'Host' }]);
    const url = (chunks[0]!.indicator as Array<Record<string, unknown>>).find((i) => i.type === 'URL')!;
    expect([url.confidence, url.associatedGroups]).toStrictEqual([80, [{ groupXid: 'malware--1' }]]);
  });

  it('input that is not STIX is one reject, not an exception', () => {
    const report = importStix({ hello: 'world' }, new Batch(), { source: 'x.json' });
    expect(report).toStrictEqual({
      source: 'x.json',
      counts: { read: 1, groups: 0, indicators: 0, associations: 0, rejected: 1, skipped: 0 },
      rejects: [{ source: 'x.json', value: '{"hello":"world"}', reason: 'not a STIX bundle or object' }],
      skipped: [],
    });
  });
});
