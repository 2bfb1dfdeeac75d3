// Every group and indicator type of the catalogue through the seed's interfaces: Interface 1
// positional, Interface 1 options object, Interface 2 (type name + addKeyValue) and Interface 3
// (raw wire object) give the same JSON. Exact JSON is written out by hand per type from a table of
// realistic values; the default xids are sha256("{type}-{name|summary}") computed once with
// python3 hashlib and hard-coded. Types the catalogue gains later are still run through the four
// interfaces (with derived sample values), and a test asks for a table row for them.
import { describe, expect, it } from 'vitest';
import {
  Batch,
  groupTypes,
  indicatorTypes,
  type GroupBuilder,
  type GroupTypeInfo,
  type IndicatorBuilder,
  type IndicatorTypeInfo,
  type XidInput,
} from '../../src/index.js';
import type { GroupInput, IndicatorInput } from '../../src/batch/core.js';
import type { GroupTypeName, IndicatorTypeName } from '../../generated/catalog.js';

type Json = Record<string, unknown>;

interface GroupRow {
  name: string;
  /** Values of the type's positional args (catalogue `args`), in order. */
  args: string[];
  /** The typed Interface 1 positional call (checks the generated signature compiles). */
  call: (b: Batch, xid?: XidInput) => GroupBuilder;
  /** sha256("{type}-{name}"), from python3 hashlib. */
  defaultXid: string;
  /** Exact wire JSON with xid `X-{type}`. */
  json: Json;
}

const GROUPS: Record<string, GroupRow> = {
  Adversary: {
    name: 'APT Example',
    args: [],
    call: (b, x) => b.adversary('APT Example', x),
    defaultXid: '45947e02d5fd2c3303d4a87b38e3c6ad12b6a5df71873df3e55918578df7ffbc', // sha256('Adversary-APT Example')
    json: { name: 'APT Example', type: 'Adversary', xid: 'X-Adversary' },
  },
  'Attack Pattern': {
    name: 'Spearphishing Attachment',
    args: [],
    call: (b, x) => b.attackPattern('Spearphishing Attachment', x),
    defaultXid: 'ec5a4b030926f2c2225528f2acc81bf3fd89bd48900c37be2421a3e2a2f09c73', // sha256('Attack Pattern-Spearphishing Attachment')
    json: { name: 'Spearphishing Attachment', type: 'Attack Pattern', xid: 'X-Attack Pattern' },
  },
  Campaign: {
    name: 'Operation Example',
    args: [],
    call: (b, x) => b.campaign('Operation Example', x),
    defaultXid: 'e63b3678a68d16aa97c90e61c3fdd05fee6f513e0b2bb7ad5e8b1eb0c8b26b81', // sha256('Campaign-Operation Example')
    json: { name: 'Operation Example', type: 'Campaign', xid: 'X-Campaign' },
  },
  'Course of Action': {
    name: 'Block outbound SMB',
    args: [],
    call: (b, x) => b.courseOfAction('Block outbound SMB', x),
    defaultXid: 'fbd61deb839eb9bab760f0f6d3d1c558624964819b7ce43b1eb3bf09f3f47926', // sha256('Course of Action-Block outbound SMB')
    json: { name: 'Block outbound SMB', type: 'Course of Action', xid: 'X-Course of Action' },
  },
  Document: {
    name: 'Phishing lure',
    args: ['lure.docx'],
    call: (b, x) => b.document('Phishing lure', 'lure.docx', x),
    defaultXid: '113a793a7357e18c5a51f9b8f002867c7f78054e8bf1ebebef0558848ab938f7', // sha256('Document-Phishing lure')
    json: { name: 'Phishing lure', type: 'Document', xid: 'X-Document', fileName: 'lure.docx' },
  },
  Email: {
    name: 'Invoice phish',
    args: ['Invoice 4711', 'From: bad@example.com', 'Please pay the attached invoice.'],
    call: (b, x) => b.email('Invoice phish', 'Invoice 4711', 'From: bad@example.com', 'Please pay the attached invoice.', x),
    defaultXid: 'f375a6cd87f478262dcd458f2d62c39af7c4b31262c515e27d718421b7514e52', // sha256('Email-Invoice phish')
    // score 0 is the Email default (catalogue `defaults`), written as the reference does.
    json: {
      name: 'Invoice phish',
      type: 'Email',
      xid: 'X-Email',
      score: 0,
      subject: 'Invoice 4711',
      header: 'From: bad@example.com',
      body: 'Please pay the attached invoice.',
    },
  },
  Event: {
    name: 'Suspicious login',
    args: [],
    call: (b, x) => b.event('Suspicious login', x),
    defaultXid: '16be1b4cee42c50d6f52e8c1eee40121a90d32a0b8536b61a7ae9c9f5b064032', // sha256('Event-Suspicious login')
    json: { name: 'Suspicious login', type: 'Event', xid: 'X-Event' },
  },
  Incident: {
    name: 'Ransomware outbreak',
    args: [],
    call: (b, x) => b.incident('Ransomware outbreak', x),
    defaultXid: 'eaf7a50d4dae25a8d7b5dfca46914cebd7f82c5573e72ecf8a3aa5e4e0f467ce', // sha256('Incident-Ransomware outbreak')
    json: { name: 'Ransomware outbreak', type: 'Incident', xid: 'X-Incident' },
  },
  'Intrusion Set': {
    name: 'Example Set',
    args: [],
    call: (b, x) => b.intrusionSet('Example Set', x),
    defaultXid: '8fb05913d6392f88a71e8a00e225c907e4a8652f1ef2741c04fa778ffeec8665', // sha256('Intrusion Set-Example Set')
    json: { name: 'Example Set', type: 'Intrusion Set', xid: 'X-Intrusion Set' },
  },
  Malware: {
    name: 'Emotet',
    args: [],
    call: (b, x) => b.malware('Emotet', x),
    defaultXid: '612cd1a415ec33c8c249e7f40176f76eb4f1c22dbc0152d73e556fb270194ed2', // sha256('Malware-Emotet')
    json: { name: 'Emotet', type: 'Malware', xid: 'X-Malware' },
  },
  Report: {
    name: 'Quarterly threat report',
    args: [],
    call: (b, x) => b.report('Quarterly threat report', x),
    defaultXid: '371e5459f2e09723b42ed03d38ff540385fbdf39f7f34bd8d1d2ba08ecb89acf', // sha256('Report-Quarterly threat report')
    json: { name: 'Quarterly threat report', type: 'Report', xid: 'X-Report' },
  },
  Signature: {
    name: 'Detect evil',
    args: ['evil.yar', 'YARA', 'rule evil { condition: true }'],
    call: (b, x) => b.signature('Detect evil', 'evil.yar', 'YARA', 'rule evil { condition: true }', x),
    defaultXid: 'f5cba9722f895eae5c05d8a4879b1447b63c339f8f2ebd74038191da0cec8fd8', // sha256('Signature-Detect evil')
    json: {
      name: 'Detect evil',
      type: 'Signature',
      xid: 'X-Signature',
      fileName: 'evil.yar',
      fileType: 'YARA',
      fileText: 'rule evil { condition: true }',
    },
  },
  Tactic: {
    name: 'Initial Access',
    args: [],
    call: (b, x) => b.tactic('Initial Access', x),
    defaultXid: '8c8992d665e093c0310dee8a0a36350d7173d89effb38d44426d9910d2685e94', // sha256('Tactic-Initial Access')
    json: { name: 'Initial Access', type: 'Tactic', xid: 'X-Tactic' },
  },
  Threat: {
    name: 'Example Threat',
    args: [],
    call: (b, x) => b.threat('Example Threat', x),
    defaultXid: '00814e0e5c30b96c7bcd5a59928c804082cef3cfa3825864633813229a716539', // sha256('Threat-Example Threat')
    json: { name: 'Example Threat', type: 'Threat', xid: 'X-Threat' },
  },
  Tool: {
    name: 'Mimikatz',
    args: [],
    call: (b, x) => b.tool('Mimikatz', x),
    defaultXid: 'e52b8368f8002c4c27140514971ee36811b40251b50f93a4740b9d8e9007c2ab', // sha256('Tool-Mimikatz')
    json: { name: 'Mimikatz', type: 'Tool', xid: 'X-Tool' },
  },
  Vulnerability: {
    name: 'CVE-2021-44228',
    args: [],
    call: (b, x) => b.vulnerability('CVE-2021-44228', x),
    defaultXid: 'b3cbab9a04ab06e01a65e7333659de273f358d747519ccf5afc9f57cfc1e67a9', // sha256('Vulnerability-CVE-2021-44228')
    json: { name: 'CVE-2021-44228', type: 'Vulnerability', xid: 'X-Vulnerability' },
  },
};

const MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const SHA1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

interface IndicatorRow {
  /** Value slots (catalogue `values`), in order. */
  values: string[];
  /** Interface 2 summary (`' : '`-joined values). */
  summary: string;
  /** The typed Interface 1 positional call with rating 3 and confidence 80. */
  call: (b: Batch, xid?: XidInput) => IndicatorBuilder;
  /** sha256("{type}-{summary}"), from python3 hashlib. */
  defaultXid: string;
}

const INDICATORS: Record<string, IndicatorRow> = {
  ASN: {
    values: ['ASN64496'],
    summary: 'ASN64496',
    call: (b, x) => b.asn('ASN64496', 3, 80, x),
    defaultXid: 'f44dfb2adf51beb0de104c1e343b81ab5a8127fb7a09439d74d7f1c620e45fa1', // sha256('ASN-ASN64496')
  },
  Address: {
    values: ['1.2.3.4'],
    summary: '1.2.3.4',
    call: (b, x) => b.address('1.2.3.4', 3, 80, x),
    defaultXid: 'feb148225c25921ca370ef4b0acd3bc3ec59637817401b58ba970fb5b2d5f815', // sha256('Address-1.2.3.4')
  },
  CIDR: {
    values: ['192.0.2.0/24'],
    summary: '192.0.2.0/24',
    call: (b, x) => b.cidr('192.0.2.0/24', 3, 80, x),
    defaultXid: '07461053fbc0b86afbea811321b22ca9e6312a002741c310d4916d05fe65775f', // sha256('CIDR-192.0.2.0/24')
  },
  'Email Subject': {
    values: ['Your invoice is overdue'],
    summary: 'Your invoice is overdue',
    call: (b, x) => b.emailSubject('Your invoice is overdue', 3, 80, x),
    defaultXid: 'b899f5e43cf393203c95d1b11be68ad90b65d1b7fb26fb3392179ce2f28b9f8c', // sha256('Email Subject-Your invoice is overdue')
  },
  EmailAddress: {
    values: ['bad@example.com'],
    summary: 'bad@example.com',
    call: (b, x) => b.emailAddress('bad@example.com', 3, 80, x),
    defaultXid: '925a18e6bf60bbbcee7f64abe8bd381835472efa9e0a92cec8096a32f3487e5c', // sha256('EmailAddress-bad@example.com')
  },
  File: {
    values: [MD5, SHA1, SHA256],
    summary: `${MD5} : ${SHA1} : ${SHA256}`,
    call: (b, x) => b.file(MD5, SHA1, SHA256, 3, 80, x),
    defaultXid: '232d70ae39cf826c704040729194a8e006f85d8b9edb6b4dfdcb67ddaaf3022b', // sha256('File-<md5> : <sha1> : <sha256>')
  },
  Hashtag: {
    values: ['#evil'],
    summary: '#evil',
    call: (b, x) => b.hashtag('#evil', 3, 80, x),
    defaultXid: '2abab0f5f5dd229f142824769c5a7d2bc951f24c1022d0a8fea94ce925983b77', // sha256('Hashtag-#evil')
  },
  Host: {
    values: ['example.com'],
    summary: 'example.com',
    call: (b, x) => b.host('example.com', 3, 80, x),
    defaultXid: '1e93dfb2a9eecb4d9f9085c2a202965ec248176c93780471891a98e633bd7272', // sha256('Host-example.com')
  },
  Mutex: {
    values: ['Global\\EvilMutex'],
    summary: 'Global\\EvilMutex',
    call: (b, x) => b.mutex('Global\\EvilMutex', 3, 80, x),
    defaultXid: '17d10449ea292083200435fee3803b1f6af999449a42a1445e5bd6764948990b', // sha256('Mutex-Global\\EvilMutex')
  },
  'Registry Key': {
    values: ['HKEY_LOCAL_MACHINE\\Software\\Run', 'Updater', 'REG_SZ'],
    summary: 'HKEY_LOCAL_MACHINE\\Software\\Run : Updater : REG_SZ',
    call: (b, x) => b.registryKey('HKEY_LOCAL_MACHINE\\Software\\Run', 'Updater', 'REG_SZ', 3, 80, x),
    defaultXid: '6643aec61871a825a49d47fde68067fa2cc9b8b5ad4ad1ca9020078f6b92df06', // sha256('Registry Key-HKEY_LOCAL_MACHINE\\Software\\Run : Updater : REG_SZ')
  },
  URL: {
    values: ['http://example.com/x'],
    summary: 'http://example.com/x',
    call: (b, x) => b.url('http://example.com/x', 3, 80, x),
    defaultXid: '2c48fcfd07b7674127cf9e803b60b388a2a99abd5b1c33816f0475e4a2da4ab4', // sha256('URL-http://example.com/x')
  },
  'User Agent': {
    values: ['Mozilla/5.0 (EvilBot 1.0)'],
    summary: 'Mozilla/5.0 (EvilBot 1.0)',
    call: (b, x) => b.userAgent('Mozilla/5.0 (EvilBot 1.0)', 3, 80, x),
    defaultXid: '1413edc7c0cc300c4e2f3b1559ea07819a1319e338cde46c120e4425d81b9f9d', // sha256('User Agent-Mozilla/5.0 (EvilBot 1.0)')
  },
};

// Exact indicator JSON, written out (xid `X-{type}`, rating 3, confidence 80).
const INDICATOR_JSON: Record<string, Json> = {
  ASN: { summary: 'ASN64496', type: 'ASN', xid: 'X-ASN', rating: 3, confidence: 80 },
  Address: { summary: '1.2.3.4', type: 'Address', xid: 'X-Address', rating: 3, confidence: 80 },
  CIDR: { summary: '192.0.2.0/24', type: 'CIDR', xid: 'X-CIDR', rating: 3, confidence: 80 },
  'Email Subject': { summary: 'Your invoice is overdue', type: 'Email Subject', xid: 'X-Email Subject', rating: 3, confidence: 80 },
  EmailAddress: { summary: 'bad@example.com', type: 'EmailAddress', xid: 'X-EmailAddress', rating: 3, confidence: 80 },
  File: {
    summary: 'd41d8cd98f00b204e9800998ecf8427e : da39a3ee5e6b4b0d3255bfef95601890afd80709 : e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    type: 'File',
    xid: 'X-File',
    rating: 3,
    confidence: 80,
  },
  Hashtag: { summary: '#evil', type: 'Hashtag', xid: 'X-Hashtag', rating: 3, confidence: 80 },
  Host: { summary: 'example.com', type: 'Host', xid: 'X-Host', rating: 3, confidence: 80 },
  Mutex: { summary: 'Global\\EvilMutex', type: 'Mutex', xid: 'X-Mutex', rating: 3, confidence: 80 },
  'Registry Key': {
    summary: 'HKEY_LOCAL_MACHINE\\Software\\Run : Updater : REG_SZ',
    type: 'Registry Key',
    xid: 'X-Registry Key',
    rating: 3,
    confidence: 80,
  },
  URL: { summary: 'http://example.com/x', type: 'URL', xid: 'X-URL', rating: 3, confidence: 80 },
  'User Agent': { summary: 'Mozilla/5.0 (EvilBot 1.0)', type: 'User Agent', xid: 'X-User Agent', rating: 3, confidence: 80 },
};

const GROUP_TYPES = Object.keys(groupTypes);
const INDICATOR_TYPES = Object.keys(indicatorTypes);
const groupInfo = (t: string) => (groupTypes as Record<string, GroupTypeInfo>)[t]!;
const indicatorInfo = (t: string) => (indicatorTypes as Record<string, IndicatorTypeInfo>)[t]!;

/** Call an Interface 1 method by its catalogue name. */
function call1<B>(b: Batch, method: string, args: unknown[]): B {
  const fn = (b as unknown as Record<string, unknown>)[method];
  if (typeof fn !== 'function') throw new Error(`Batch has no method ${method}`);
  return fn.apply(b, args) as B;
}
const callGroup = (b: Batch, method: string, args: unknown[]) => call1<GroupBuilder>(b, method, args);
const callIndicator = (b: Batch, method: string, args: unknown[]) => call1<IndicatorBuilder>(b, method, args);

/** Sample values of a group type: the table row, or values derived from the catalogue for a type added later. */
function groupSample(type: string): { name: string; args: string[] } {
  const row = GROUPS[type];
  if (row) return row;
  const info = groupInfo(type);
  return { name: `Example ${type}`, args: info.args.map((a) => info.fields[a]?.enum?.[0] ?? `example-${a}`) };
}

function indicatorSample(type: string): { values: string[]; summary: string } {
  const row = INDICATORS[type];
  if (row) return row;
  const info = indicatorInfo(type);
  const values = info.values.map((v) => `example-${v.arg}`);
  return { values, summary: values.join(' : ') };
}

/** The content of the single chunk of a batch. */
function onlyContent(b: Batch): unknown {
  const chunks = [...b.chunks()];
  expect(chunks).toHaveLength(1);
  return chunks[0]!.content;
}

describe('catalogue coverage', () => {
  it('has the 16 group and 12 indicator types of the Batch V2 API, each with a table row', () => {
    expect(GROUP_TYPES.filter((t) => !GROUPS[t])).toStrictEqual([]);
    expect(INDICATOR_TYPES.filter((t) => !INDICATORS[t])).toStrictEqual([]);
    expect(GROUP_TYPES.sort()).toStrictEqual(Object.keys(GROUPS).sort());
    expect(GROUP_TYPES).toHaveLength(16);
    expect(INDICATOR_TYPES.filter((t) => !indicatorInfo(t).custom).sort()).toStrictEqual(Object.keys(INDICATORS).sort());
  });

  it('table rows agree with the catalogue: positional args and value slots', () => {
    for (const t of Object.keys(GROUPS)) expect([t, GROUPS[t]!.args.length]).toStrictEqual([t, groupInfo(t).args.length]);
    for (const t of Object.keys(INDICATORS)) expect([t, INDICATORS[t]!.values.length]).toStrictEqual([t, indicatorInfo(t).values.length]);
  });
});

describe.each(GROUP_TYPES)('group %s', (type) => {
  const info = groupInfo(type);
  const { name, args } = groupSample(type);
  const xid = `X-${type}`;
  const row = GROUPS[type];

  const viaPositional = () => {
    const b = new Batch();
    return { b, item: callGroup(b, info.method, [name, ...args, xid]) };
  };
  const viaOptions = () => {
    const b = new Batch();
    const options: Json = { name, xid };
    info.args.forEach((a, i) => (options[a] = args[i]));
    return { b, item: callGroup(b, info.method, [options]) };
  };
  const viaInterface2 = () => {
    const b = new Batch();
    const g = b.group(type as GroupTypeName, name, xid);
    info.args.forEach((a, i) => g.addKeyValue(a as never, args[i]));
    return { b, item: g };
  };

  it('Interface 1 positional, options object and Interface 2 give the same JSON and content', () => {
    const [p, o, i2] = [viaPositional(), viaOptions(), viaInterface2()];
    const want = p.item.toJSON();
    expect(o.item.toJSON()).toStrictEqual(want);
    expect(i2.item.toJSON()).toStrictEqual(want);
    expect(want.xid).toBe(xid);
    expect(want.name).toBe(name);
    expect(want.type).toBe(type);
    const content = { group: [want], indicator: [], association: [] };
    for (const v of [p, o, i2]) expect(onlyContent(v.b)).toStrictEqual(content);
    // Interface 3: the wire object itself gives the same content.
    const b3 = new Batch();
    const raw = b3.addGroup(structuredClone(want) as GroupInput);
    expect(raw.toJSON()).toStrictEqual(want);
    expect(onlyContent(b3)).toStrictEqual(content);
  });

  it.runIf(row !== undefined)('exact JSON through all four interfaces', () => {
    const r = row!;
    const content = { group: [r.json], indicator: [], association: [] };
    const typed = new Batch();
    expect(r.call(typed, xid).toJSON()).toStrictEqual(r.json);
    expect(onlyContent(typed)).toStrictEqual(content);
    for (const v of [viaPositional(), viaOptions(), viaInterface2()]) {
      expect(v.item.toJSON()).toStrictEqual(r.json);
      expect(v.item.xid).toBe(xid);
      expect(v.item.name).toBe(r.name);
      expect(v.item.type).toBe(type);
      expect(onlyContent(v.b)).toStrictEqual(content);
    }
    const b3 = new Batch();
    b3.addGroup(structuredClone(r.json) as GroupInput);
    expect(onlyContent(b3)).toStrictEqual(content);
  });

  it.runIf(row !== undefined)('default xid is sha256("{type}-{name}") through Interfaces 1 and 2', () => {
    const r = row!;
    const b = new Batch();
    expect(r.call(b).xid).toBe(r.defaultXid);
    expect(r.call(new Batch(), true).xid).toBe(r.defaultXid);
    expect(b.group(type as GroupTypeName, r.name).xid).toBe(r.defaultXid);
    const options: Json = { name: r.name };
    info.args.forEach((a, i) => (options[a] = r.args[i]));
    expect(callGroup(new Batch(), info.method, [options]).xid).toBe(r.defaultXid);
    const random = r.call(new Batch(), false).xid;
    expect(random).not.toBe(r.defaultXid);
    expect(random).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe.each(INDICATOR_TYPES)('indicator %s', (type) => {
  const info = indicatorInfo(type);
  const { values, summary } = indicatorSample(type);
  const xid = `X-${type}`;
  const row = INDICATORS[type];
  const wantJson = INDICATOR_JSON[type];

  const viaPositional = () => {
    const b = new Batch();
    return { b, item: callIndicator(b, info.method, [...values, 3, 80, xid]) };
  };
  const viaOptions = () => {
    const b = new Batch();
    const options: Json = { rating: 3, confidence: 80, xid };
    info.values.forEach((v, i) => (options[v.arg] = values[i]));
    return { b, item: callIndicator(b, info.method, [options]) };
  };
  // Interface 2 with rating and confidence as the strings the seed uses ('3.0', '80').
  const viaInterface2 = () => {
    const b = new Batch();
    return { b, item: b.indicator(type as IndicatorTypeName, summary, '3.0', '80', xid) };
  };

  it('Interface 1 positional, options object, Interface 2 and Interface 3 give the same JSON and content', () => {
    const [p, o, i2] = [viaPositional(), viaOptions(), viaInterface2()];
    const want = p.item.toJSON();
    expect(want).toStrictEqual({ summary, type, xid, rating: 3, confidence: 80 });
    expect(o.item.toJSON()).toStrictEqual(want);
    expect(i2.item.toJSON()).toStrictEqual(want);
    expect(i2.item.values).toStrictEqual(values);
    const content = { group: [], indicator: [want], association: [] };
    for (const v of [p, o, i2]) expect(onlyContent(v.b)).toStrictEqual(content);
    const b3 = new Batch();
    expect(b3.addIndicator(structuredClone(want) as IndicatorInput).toJSON()).toStrictEqual(want);
    expect(onlyContent(b3)).toStrictEqual(content);
  });

  it.runIf(row !== undefined && wantJson !== undefined)('exact JSON through all four interfaces', () => {
    const r = row!;
    const json = wantJson!;
    const content = { group: [], indicator: [json], association: [] };
    const typed = new Batch();
    const built = r.call(typed, xid);
    expect(built.toJSON()).toStrictEqual(json);
    expect(built.summary).toBe(r.summary);
    expect(onlyContent(typed)).toStrictEqual(content);
    for (const v of [viaPositional(), viaOptions(), viaInterface2()]) {
      expect(v.item.toJSON()).toStrictEqual(json);
      expect(v.item.summary).toBe(r.summary);
      expect(v.item.type).toBe(type);
      expect(onlyContent(v.b)).toStrictEqual(content);
    }
    const b3 = new Batch();
    b3.addIndicator(structuredClone(json) as IndicatorInput);
    expect(onlyContent(b3)).toStrictEqual(content);
  });

  it.runIf(row !== undefined)('default xid is sha256("{type}-{summary}") through Interfaces 1 and 2', () => {
    const r = row!;
    expect(r.call(new Batch()).xid).toBe(r.defaultXid);
    expect(r.call(new Batch(), true).xid).toBe(r.defaultXid);
    expect(new Batch().indicator(type as IndicatorTypeName, r.summary).xid).toBe(r.defaultXid);
    const options: Json = {};
    info.values.forEach((v, i) => (options[v.arg] = r.values[i]));
    expect(callIndicator(new Batch(), info.method, [options]).xid).toBe(r.defaultXid);
    expect(callIndicator(new Batch(), info.method, [...r.values]).toJSON()).toStrictEqual({ summary: r.summary, type, xid: r.defaultXid });
  });
});

describe('type-specific setters write their wire keys', () => {
  it('document: malware, password and fileContent (kept out of the JSON, handed to the upload)', () => {
    const b = new Batch();
    const d = b.document('Phishing lure', 'lure.docx', 'doc-1');
    d.malware = true;
    d.password = 'infected';
    d.fileContent = 'MZ fake content';
    expect(d.malware).toBe(true);
    expect(d.password).toBe('infected');
    const json = { name: 'Phishing lure', type: 'Document', xid: 'doc-1', fileName: 'lure.docx', malware: true, password: 'infected' };
    expect(d.toJSON()).toStrictEqual(json);
    const [chunk] = [...b.chunks()];
    expect(chunk!.content).toStrictEqual({ group: [json], indicator: [], association: [] });
    expect(chunk!.files).toStrictEqual([{ xid: 'doc-1', type: 'Document', fileName: 'lure.docx', content: 'MZ fake content' }]);
    expect(chunk!.text).not.toContain('MZ fake content');
  });

  it('document: the same fields through the options object and Interface 2 (malware as "true")', () => {
    const json = { name: 'Phishing lure', type: 'Document', xid: 'doc-1', fileName: 'lure.docx', malware: true, password: 'infected' };
    const viaOptions = new Batch().document({ name: 'Phishing lure', fileName: 'lure.docx', malware: true, password: 'infected', xid: 'doc-1' });
    expect(viaOptions.toJSON()).toStrictEqual(json);
    const viaKv = new Batch().group('Document', 'Phishing lure', 'doc-1').addKeyValue('fileName', 'lure.docx').addKeyValue('malware', 'true').addKeyValue('password', 'infected');
    expect(viaKv.toJSON()).toStrictEqual(json);
  });

  it('event: eventDate (to UTC), status and eventType', () => {
    const e = new Batch().event('Suspicious login', 'ev-1');
    e.eventDate = '2017-03-03T18:00:00-06:00';
    e.status = 'In Progress';
    e.eventType = 'Breach';
    expect(e.eventDate).toBe('2017-03-04T00:00:00Z');
    expect(e.toJSON()).toStrictEqual({
      name: 'Suspicious login',
      type: 'Event',
      xid: 'ev-1',
      eventDate: '2017-03-04T00:00:00Z',
      status: 'In Progress',
      eventType: 'Breach',
    });
  });

  it('incident: status and eventDate', () => {
    const i = new Batch().incident('Ransomware outbreak', 'inc-1');
    i.status = 'Containment Achieved';
    i.eventDate = new Date(Date.UTC(2020, 0, 2, 3, 4, 5));
    expect(i.toJSON()).toStrictEqual({
      name: 'Ransomware outbreak',
      type: 'Incident',
      xid: 'inc-1',
      status: 'Containment Achieved',
      eventDate: '2020-01-02T03:04:05Z',
    });
  });

  it('incident: a status outside the enum is refused', () => {
    const i = new Batch().incident('Ransomware outbreak', 'inc-1');
    expect(() => (i.status = 'In Progress' as never)).toThrowError(/status/);
    expect(i.toJSON()).toStrictEqual({ name: 'Ransomware outbreak', type: 'Incident', xid: 'inc-1' });
  });

  it('email: from, to and score (score defaults to 0)', () => {
    const e = new Batch().email('Invoice phish', 'Invoice 4711', 'From: bad@example.com', 'Please pay.', 'em-1');
    expect(e.score).toBe(0);
    e.from = 'bad@example.com';
    e.to = 'victim@example.org';
    e.score = 42;
    expect(e.toJSON()).toStrictEqual({
      name: 'Invoice phish',
      type: 'Email',
      xid: 'em-1',
      score: 42,
      subject: 'Invoice 4711',
      header: 'From: bad@example.com',
      body: 'Please pay.',
      from: 'bad@example.com',
      to: 'victim@example.org',
    });
  });

  it('report: publishDate (to UTC) and fileName; byte content goes to the upload', () => {
    const b = new Batch();
    const r = b.report('Quarterly threat report', 'rep-1');
    r.publishDate = '2021-06-01T14:00:00+02:00';
    r.fileName = 'q2.pdf';
    const bytes = new Uint8Array([0x25, 0x50, 0x44, 0x46]);
    r.fileContent = bytes;
    const json = { name: 'Quarterly threat report', type: 'Report', xid: 'rep-1', publishDate: '2021-06-01T12:00:00Z', fileName: 'q2.pdf' };
    expect(r.toJSON()).toStrictEqual(json);
    const [chunk] = [...b.chunks()];
    expect(chunk!.content).toStrictEqual({ group: [json], indicator: [], association: [] });
    expect(chunk!.files).toStrictEqual([{ xid: 'rep-1', type: 'Report', fileName: 'q2.pdf', content: bytes }]);
  });

  it('signature: fileName, fileType and fileText setters', () => {
    const s = new Batch().signature('Detect evil', 'evil.yar', 'YARA', 'rule evil { condition: true }', 'sig-1');
    s.fileName = 'evil.rules';
    s.fileType = 'Snort';
    s.fileText = 'alert tcp any any -> any 445 (msg:"evil"; sid:1;)';
    expect(s.toJSON()).toStrictEqual({
      name: 'Detect evil',
      type: 'Signature',
      xid: 'sig-1',
      fileName: 'evil.rules',
      fileType: 'Snort',
      fileText: 'alert tcp any any -> any 445 (msg:"evil"; sid:1;)',
    });
    expect(() => (s.fileType = 'Sigmund' as never)).toThrowError(/fileType/);
  });

  it('file: size is written as intValue1 (setter, options object, addKeyValue by either name)', () => {
    const want = { summary: MD5, type: 'File', xid: 'f-1', intValue1: 1024 };
    const f = new Batch().file(MD5, undefined, undefined, undefined, undefined, 'f-1');
    f.size = 1024;
    expect(f.size).toBe(1024);
    expect(f.toJSON()).toStrictEqual(want);
    expect(new Batch().file({ md5: MD5, size: 1024, xid: 'f-1' }).toJSON()).toStrictEqual(want);
    expect(new Batch().indicator('File', MD5, undefined, undefined, 'f-1').addKeyValue('size', 1024).toJSON()).toStrictEqual(want);
    expect(new Batch().indicator('File', MD5, undefined, undefined, 'f-1').addKeyValue('intValue1', 1024).toJSON()).toStrictEqual(want);
  });

  it('file: hash setters fill empty slots; the summary grows, the xid stays', () => {
    const f = new Batch().file(undefined, undefined, SHA256, undefined, undefined, 'f-2');
    expect(f.summary).toBe(SHA256);
    f.md5 = MD5;
    expect(f.toJSON()).toStrictEqual({ summary: `${MD5} : ${SHA256}`, type: 'File', xid: 'f-2' });
    expect(new Batch().indicator('File', `${SHA256} : ${MD5}`, undefined, undefined, 'f-3').values).toStrictEqual([MD5, undefined, SHA256]);
  });

  it('host: dnsActive and whoisActive are written as flag1 and flag2', () => {
    const h = new Batch().host('example.com', undefined, undefined, 'h-1');
    h.dnsActive = true;
    h.whoisActive = false;
    expect(h.dnsActive).toBe(true);
    expect(h.whoisActive).toBe(false);
    expect(h.toJSON()).toStrictEqual({ summary: 'example.com', type: 'Host', xid: 'h-1', flag1: true, flag2: false });
    const viaOptions = new Batch().host({ hostName: 'example.com', dnsActive: 'true', whoisActive: false, xid: 'h-1' });
    expect(viaOptions.toJSON()).toStrictEqual({ summary: 'example.com', type: 'Host', xid: 'h-1', flag1: true, flag2: false });
    const viaWire = new Batch().indicator('Host', 'example.com', undefined, undefined, 'h-1').addKeyValue('flag1', true).addKeyValue('whoisActive', 'false');
    expect(viaWire.toJSON()).toStrictEqual({ summary: 'example.com', type: 'Host', xid: 'h-1', flag1: true, flag2: false });
  });
});
