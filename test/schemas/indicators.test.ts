/**
 * Indicator type validators (generated/validators): valid minimal and full payloads for all 12
 * indicator types, the value rules of tc-batch-api.md §9 per type, and the common indicator rules.
 */
import { describe, expect, it } from 'vitest';
import {
  indicatorValidators,
  validateAddress,
  validateAsn,
  validateCidr,
  validateEmailAddress,
  validateFile,
  validateHost,
  validateMutex,
  validateRegistryKey,
  validateUrl,
} from '../../generated/validators/index.js';
import type { ValidationResult } from '../../src/model/validation.js';
import { INDICATOR_TYPES, RULE, outcome, type Row } from './helpers.js';

const MD5 = '905ad8176a569a36421bf54c04ba7f95';
const SHA1 = 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3';
const SHA256 = '25bdabd23e349f5e5ea7890795b06d15d842bde1d43135c361e755f748ca05d0';

/** Every common indicator field. */
const commonFull = {
  xid: 'ind-0001',
  rating: 4.5,
  confidence: 85,
  active: true,
  activeLocked: false,
  privateFlag: false,
  description: 'C2 infrastructure',
  dateAdded: '2024-08-04T00:00:00Z',
  lastModified: '2024-08-04T01:00:00Z',
  firstSeen: '2024-08-01T00:00:00Z',
  lastSeen: '2024-08-03T00:00:00-05:00',
  externalDateAdded: '2024-08-01',
  externalDateExpires: '2025-08-01T00:00:00Z',
  externalLastModified: '2024-08-02T00:00:00Z',
  attribute: [{ type: 'Description', value: 'C2 host', displayed: true, securityLabel: [{ name: 'TLP:AMBER' }] }],
  tag: [{ name: 'Ransomware' }],
  securityLabel: [{ name: 'TLP:AMBER', color: 'FFC000', description: 'Limited disclosure' }],
  associatedGroups: [{ groupXid: '00000000-0000-0000-0000-000000000000:0001' }],
  associatedIndicators: [{ summary: 'badguyz.com', indicatorType: 'Host' }],
};

/** A valid summary and a valid set of value fields (with the type's own fields) per type. */
const samples: Record<(typeof INDICATOR_TYPES)[number], { summary: string; full: object }> = {
  ASN: { summary: 'ASN12345', full: { 'AS Number': 'ASN12345' } },
  Address: { summary: '71.6.135.131', full: { ip: '2001:db8::1' } },
  CIDR: { summary: '10.0.0.0/8', full: { Block: 'abc:def:10:0:0:0:0:0/48' } },
  'Email Subject': { summary: 'Invoice #4711', full: { Subject: 'Invoice #4711' } },
  EmailAddress: { summary: 'bad.guy@badguyz.com', full: { address: 'bad.guy+tag@mail.badguyz.com' } },
  File: {
    summary: `${MD5} : ${SHA1} : ${SHA256}`,
    full: {
      md5: MD5,
      sha1: SHA1,
      sha256: SHA256,
      intValue1: 1024,
      size: 1024,
      fileOccurrence: [{ fileName: 'drop1.exe', path: 'C:\\test\\', date: '2017-03-03T18:00:00-06:00' }, { path: '/tmp' }],
      fileAction: { indicatorXid: 'f-1', relationship: 'drop', children: [{ indicatorXid: 'f-2', parentIndicatorXid: 'f-1', extra: 1 }] },
    },
  },
  Hashtag: { summary: '#ransomware', full: { Hashtag: '#ransomware' } },
  Host: { summary: 'badguyz.com', full: { hostName: 'c2.xn--bcher-kva.example', flag1: true, flag2: false } },
  Mutex: { summary: 'Global\\MsWinZonesCacheCounterMutexA', full: { Mutex: 'Global\\MsWinZonesCacheCounterMutexA' } },
  'Registry Key': {
    summary: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_DWORD',
    full: { 'Key Name': 'HKEY_LOCAL_MACHINE\\Software\\Run', 'Value Name': ' ', 'Value Type': 'REG_SZ' },
  },
  URL: { summary: 'http://www.badguyz.com', full: { text: 'https://badguyz.com:8443/a/b?q=Upper#Frag' } },
  'User Agent': { summary: 'Mozilla/5.0 (Windows NT 10.0)', full: { 'User Agent String': 'curl/8.0' } },
};

describe('indicator validators', () => {
  it('exist for exactly the 12 indicator types', () => {
    expect(Object.keys(indicatorValidators)).toEqual([...INDICATOR_TYPES]);
  });

  describe.each(INDICATOR_TYPES)('%s', (type) => {
    const validate = indicatorValidators[type] as (d: unknown) => ValidationResult<unknown>;
    const rows: Row[] = [
      ['minimal payload (summary)', { given: { type, summary: samples[type].summary }, want: 'valid' }],
      ['full payload (value fields)', { given: { type, ...commonFull, ...samples[type].full }, want: 'valid' }],
      [
        'unknown field',
        {
          given: { type, summary: samples[type].summary, score: 3 },
          want: [{ pointer: '/score', keyword: 'unevaluatedProperties', rule: RULE.unknownField('score'), value: 3 }],
        },
      ],
      [
        'another type name',
        {
          given: { type: 'Domain', summary: samples[type].summary },
          want: [{ pointer: '/type', keyword: 'const', rule: RULE.constant(type), value: 'Domain' }],
        },
      ],
    ];
    it.each(rows)('%s', (_name, { given, want }) => {
      expect(outcome(validate(given))).toEqual(want);
    });
  });

  const needsValue: Array<[string, string]> = [
    ['ASN', "'AS Number'"],
    ['Address', "'ip'"],
    ['CIDR', "'Block'"],
    ['Email Subject', "'Subject'"],
    ['EmailAddress', "'address'"],
    ['File', "'md5' or 'sha1' or 'sha256'"],
    ['Hashtag', "'Hashtag'"],
    ['Host', "'hostName'"],
    ['Mutex', "'Mutex'"],
    ['Registry Key', "all of 'Key Name', 'Value Name', 'Value Type'"],
    ['URL', "'text'"],
    ['User Agent', "'User Agent String'"],
  ];
  it.each(needsValue)('%s without any value is rejected', (type, fields) => {
    const validate = indicatorValidators[type as (typeof INDICATOR_TYPES)[number]] as (d: unknown) => ValidationResult<unknown>;
    expect(outcome(validate({ type, rating: 3 }))).toEqual([
      { pointer: '', keyword: 'anyOf', rule: RULE.needsValue(type, fields), value: { type, rating: 3 } },
    ]);
  });
});

describe('common indicator rules', () => {
  const base = { type: 'Mutex', summary: 'm1' };
  const rows: Row[] = [
    ['rating 0', { given: { ...base, rating: 0 }, want: 'valid' }],
    ['rating 5.0', { given: { ...base, rating: 5.0 }, want: 'valid' }],
    ['rating 2.5', { given: { ...base, rating: 2.5 }, want: 'valid' }],
    ['rating 5.5', { given: { ...base, rating: 5.5 }, want: [{ pointer: '/rating', keyword: 'maximum', rule: RULE.rating, value: 5.5 }] }],
    ['rating -1', { given: { ...base, rating: -1 }, want: [{ pointer: '/rating', keyword: 'minimum', rule: RULE.rating, value: -1 }] }],
    ['rating "3"', { given: { ...base, rating: '3' }, want: [{ pointer: '/rating', keyword: 'type', rule: RULE.rating, value: '3' }] }],
    ['confidence 0', { given: { ...base, confidence: 0 }, want: 'valid' }],
    ['confidence 100', { given: { ...base, confidence: 100 }, want: 'valid' }],
    [
      'confidence 50.5',
      { given: { ...base, confidence: 50.5 }, want: [{ pointer: '/confidence', keyword: 'type', rule: RULE.confidence, value: 50.5 }] },
    ],
    [
      'confidence 101',
      { given: { ...base, confidence: 101 }, want: [{ pointer: '/confidence', keyword: 'maximum', rule: RULE.confidence, value: 101 }] },
    ],
    [
      'security label color',
      {
        given: { ...base, securityLabel: [{ name: 'TLP:RED', color: '#FF0000' }] },
        want: [{ pointer: '/securityLabel/0/color', keyword: 'pattern', rule: RULE.labelColor, value: '#FF0000' }],
      },
    ],
    [
      'tag over 128 characters',
      {
        given: { ...base, tag: [{ name: 'x'.repeat(129) }] },
        want: [{ pointer: '/tag/0/name', keyword: 'maxLength', rule: RULE.tagName, value: 'x'.repeat(129) }],
      },
    ],
    [
      'associated group without groupXid',
      {
        given: { ...base, associatedGroups: [{ dateAdded: null }] },
        want: [{ pointer: '/associatedGroups/0/groupXid', keyword: 'required', rule: RULE.required('groupXid') }],
      },
    ],
    [
      'active as a string',
      { given: { ...base, active: 'true' }, want: [{ pointer: '/active', keyword: 'type', rule: 'must be of type boolean', value: 'true' }] },
    ],
    [
      'bad lastSeen date',
      { given: { ...base, lastSeen: '2024-02-30 10:00' }, want: [{ pointer: '/lastSeen', keyword: 'pattern', rule: RULE.date, value: '2024-02-30 10:00' }] },
    ],
    [
      'fileOccurrence is a File field only',
      {
        given: { ...base, fileOccurrence: [{ fileName: 'a' }] },
        want: [{ pointer: '/fileOccurrence', keyword: 'unevaluatedProperties', rule: RULE.unknownField('fileOccurrence'), value: [{ fileName: 'a' }] }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateMutex(given))).toEqual(want);
  });

  it('names the indicator in the issue', () => {
    const r = validateMutex({ type: 'Mutex', summary: 'm1', xid: 'i-1', rating: 9 });
    expect(r.issues).toEqual([
      {
        pointer: '/rating',
        keyword: 'maximum',
        rule: RULE.rating,
        value: 9,
        schemaPath: 'defs.json#/$defs/rating/maximum',
        item: { pointer: '', type: 'Mutex', xid: 'i-1', summary: 'm1' },
      },
    ]);
  });
});

/** Value-rule rows for one field: each value either passes or yields exactly one issue with `rule`. */
function valueRows(type: string, field: string, rule: string, keyword: string, good: string[], bad: string[]): Row[] {
  return [
    ...good.map((v): Row => [`${field} ${JSON.stringify(v)} ok`, { given: { type, [field]: v }, want: 'valid' }]),
    ...bad.map((v): Row => [`${field} ${JSON.stringify(v)} wrong`, { given: { type, [field]: v }, want: [{ pointer: `/${field}`, keyword, rule, value: v }] }]),
  ];
}

describe('Address', () => {
  const good = ['1.2.3.4', '0.0.0.0', '255.255.255.255', '2001:db8::1', '::1', 'fe80::1:2:3:4', '2001:0db8:0000:0000:0000:0000:0000:0001'];
  const bad = ['1.2.3.04', '256.1.1.1', '1.2.3', '1.2.3.4/32', '2001:db8::g', 'localhost', ' 1.2.3.4'];
  it.each([...valueRows('Address', 'summary', RULE.address, 'format', good, bad), ...valueRows('Address', 'ip', RULE.address, 'format', ['10.0.0.1'], ['010.0.0.1'])])(
    '%s',
    (_name, { given, want }) => {
      expect(outcome(validateAddress(given))).toEqual(want);
    },
  );
});

describe('Host', () => {
  const good = ['badguyz.com', 'c2.BadGuyz.COM', 'xn--bcher-kva.example', 'example.xn--p1ai', 'a-b.c-d.info', '3com.net'];
  const bad = ['bad_host.com', 'bücher.de', 'пример.рф', 'localhost', '-a.com', 'a-.com', 'a..com', 'badguyz.com.', 'http://badguyz.com', `${'a'.repeat(64)}.com`];
  it.each([...valueRows('Host', 'summary', RULE.host, 'pattern', good, bad), ...valueRows('Host', 'hostName', RULE.host, 'pattern', ['ok.example'], ['under_score.example'])])(
    '%s',
    (_name, { given, want }) => {
      expect(outcome(validateHost(given))).toEqual(want);
    },
  );
  it('dnsActive/whoisActive are flag1/flag2 and must be booleans', () => {
    expect(outcome(validateHost({ type: 'Host', summary: 'a.com', flag1: 'true' }))).toEqual([
      { pointer: '/flag1', keyword: 'type', rule: 'must be of type boolean', value: 'true' },
    ]);
  });
});

describe('URL', () => {
  const good = ['http://www.badguyz.com', 'https://badguyz.com/Path/UPPER?Q=1', 'ftp://files.example/x', 'HTTP://example.com', 'http://xn--bcher-kva.example/'];
  const bad = ['www.badguyz.com/x', 'badguyz.com', 'http://Example.com/', 'http://EXAMPLE.COM', 'http://bücher.de/', 'http://a.com/with space', '//a.com/x'];
  it.each([...valueRows('URL', 'summary', RULE.url, 'pattern', good, bad), ...valueRows('URL', 'text', RULE.url, 'pattern', ['http://a.com'], ['a.com'])])(
    '%s',
    (_name, { given, want }) => {
      expect(outcome(validateUrl(given))).toEqual(want);
    },
  );
});

describe('EmailAddress', () => {
  const good = ['bad.guy@badguyz.com', "o'brien+x@mail.example.co.uk", 'A@B.CO'];
  const bad = ['bad.guy', 'bad.guy@', '@badguyz.com', 'bad guy@badguyz.com', 'bad.guy@badguyz', 'a..b@example.com', 'mailto:a@example.com'];
  it.each([...valueRows('EmailAddress', 'summary', RULE.emailAddress, 'pattern', good, bad), ...valueRows('EmailAddress', 'address', RULE.emailAddress, 'pattern', ['x@y.zz'], ['x@'])])(
    '%s',
    (_name, { given, want }) => {
      expect(outcome(validateEmailAddress(given))).toEqual(want);
    },
  );
});

describe('ASN', () => {
  const good = ['ASN12345', 'ASN1'];
  const bad = ['12345', 'AS12345', 'ASN 12345', 'asn12345', 'ASN', 'ASN12345 '];
  it.each([...valueRows('ASN', 'summary', RULE.asn, 'pattern', good, bad), ...valueRows('ASN', 'AS Number', RULE.asn, 'pattern', ['ASN64512'], ['AS64512'])])(
    '%s',
    (_name, { given, want }) => {
      expect(outcome(validateAsn(given))).toEqual(want);
    },
  );
});

describe('CIDR', () => {
  const good = ['10.0.0.0/8', '192.168.1.0/24', '0.0.0.0/0', '1.2.3.4/32', 'abc:def:10:0:0:0:0:0/48', '2001:db8:0:0:0:0:0:0/32', '0:0:0:0:0:0:0:0/0', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128'];
  const bad = ['10.0.0.0', '10.0.0.0/33', '010.0.0.0/8', '256.0.0.0/8', 'abc:def:10::/48', '::/0', 'abc:def:0010:0:0:0:0:0/48', 'abc:def:10:0:0:0:0:0/129', 'ABC:DEF:10:0:0:0:0:0/48', 'abc:def:10:0:0:0:0/48'];
  it.each([...valueRows('CIDR', 'summary', RULE.cidr, 'pattern', good, bad), ...valueRows('CIDR', 'Block', RULE.cidr, 'pattern', ['10.1.0.0/16'], ['2001:db8::/32'])])(
    '%s',
    (_name, { given, want }) => {
      expect(outcome(validateCidr(given))).toEqual(want);
    },
  );
});

describe('File', () => {
  const good = [
    MD5,
    SHA1,
    SHA256,
    MD5.toUpperCase(),
    `${MD5} : ${SHA1} : ${SHA256}`,
    `${MD5} : ${SHA1}`,
    `${MD5}: ${SHA1}: ${SHA256}`, // 2023 docs spelling, no space before the colon
    ` : ${SHA1} : `, // tcex's cleaner writes empty slots
    `${MD5} :  : `,
  ];
  const bad = [MD5.slice(1), `${MD5}0`, 'g'.repeat(32), ' :  : ', `${MD5},${SHA1}`, `${MD5} : ${SHA1} : ${SHA256} : ${MD5}`, 'not a hash'];
  const rows: Row[] = [
    ...valueRows('File', 'summary', RULE.fileSummary, 'pattern', good, bad),
    ...valueRows('File', 'md5', RULE.md5, 'pattern', [MD5, MD5.toUpperCase()], [SHA1, MD5.slice(2)]),
    ...valueRows('File', 'sha1', RULE.sha1, 'pattern', [SHA1], [MD5, `${SHA1}z`]),
    ...valueRows('File', 'sha256', RULE.sha256, 'pattern', [SHA256], [SHA1, SHA256.slice(1)]),
    ['md5 and sha256 without summary', { given: { type: 'File', md5: MD5, sha256: SHA256 }, want: 'valid' }],
    [
      'no hash at all',
      {
        given: { type: 'File', size: 10 },
        want: [{ pointer: '', keyword: 'anyOf', rule: RULE.needsValue('File', "'md5' or 'sha1' or 'sha256'"), value: { type: 'File', size: 10 } }],
      },
    ],
    [
      'file occurrence with no field',
      {
        given: { type: 'File', md5: MD5, fileOccurrence: [{ fileName: 'a.exe' }, {}] },
        want: [{ pointer: '/fileOccurrence/1', keyword: 'minProperties', rule: RULE.fileOccurrence, value: {} }],
      },
    ],
    [
      'file occurrence with a bad date and an unknown key',
      {
        given: { type: 'File', md5: MD5, fileOccurrence: [{ date: '03/03/2017', host: 'pc1' }] },
        want: [
          { pointer: '/fileOccurrence/0/host', keyword: 'additionalProperties', rule: RULE.unknownField('host'), value: 'pc1' },
          { pointer: '/fileOccurrence/0/date', keyword: 'pattern', rule: RULE.date, value: '03/03/2017' },
        ],
      },
    ],
    [
      'negative size (intValue1)',
      { given: { type: 'File', md5: MD5, intValue1: -5 }, want: [{ pointer: '/intValue1', keyword: 'minimum', rule: 'must be >= 0', value: -5 }] },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateFile(given))).toEqual(want);
  });
});

describe('Registry Key', () => {
  const HIVES = [
    'HKEY_CLASSES_ROOT',
    'HKEY_CURRENT_CONFIG',
    'HKEY_CURRENT_USER',
    'HKEY_CURRENT_USER_LOCAL_SETTINGS',
    'HKEY_LOCAL_MACHINE',
    'HKEY_PERFORMANCE_DATA',
    'HKEY_PERFORMANCE_NLSTEXT',
    'HKEY_PERFORMANCE_TEXT',
    'HKEY_USERS',
  ];
  const VALUE_TYPES = [
    'REG_NONE',
    'REG_BINARY',
    'REG_DWORD',
    'REG_DWORD_LITTLE_ENDIAN',
    'REG_DWORD_BIG_ENDIAN',
    'REG_EXPAND_SZ',
    'REG_LINK',
    'REG_MULTI_SZ',
    'REG_QWORD',
    'REG_QWORD_LITTLE_ENDIAN',
    'REG_SZ',
  ];
  const full = (key: string, type = 'REG_SZ') => ({ type: 'Registry Key', 'Key Name': key, 'Value Name': 'Run', 'Value Type': type });
  it.each(HIVES)('accepts hive %s', (hive) => {
    expect(outcome(validateRegistryKey(full(`${hive}\\Software\\X`)))).toBe('valid');
    expect(outcome(validateRegistryKey({ type: 'Registry Key', summary: `${hive}\\Software\\X : Run : REG_SZ` }))).toBe('valid');
  });
  it.each(VALUE_TYPES)('accepts value type %s', (valueType) => {
    expect(outcome(validateRegistryKey(full('HKEY_USERS', valueType)))).toBe('valid');
  });
  const rows: Row[] = [
    [
      'HKLM\\ abbreviation',
      {
        given: full('HKLM\\Software\\Run'),
        want: [{ pointer: '/Key Name', keyword: 'pattern', rule: RULE.registryKeyName, value: 'HKLM\\Software\\Run' }],
      },
    ],
    [
      'hive name as a prefix of another word',
      {
        given: full('HKEY_USERSX\\a'),
        want: [{ pointer: '/Key Name', keyword: 'pattern', rule: RULE.registryKeyName, value: 'HKEY_USERSX\\a' }],
      },
    ],
    [
      'unknown value type',
      {
        given: full('HKEY_USERS\\a', 'REG_STRING'),
        want: [{ pointer: '/Value Type', keyword: 'enum', rule: RULE.registryValueType, value: 'REG_STRING' }],
      },
    ],
    [
      'empty value name',
      {
        given: { ...full('HKEY_USERS\\a'), 'Value Name': '' },
        want: [{ pointer: '/Value Name', keyword: 'minLength', rule: RULE.registryValueName, value: '' }],
      },
    ],
    [
      'summary with HKLM',
      {
        given: { type: 'Registry Key', summary: 'HKLM\\system : TRUE : REG_DWORD' },
        want: [{ pointer: '/summary', keyword: 'pattern', rule: RULE.registrySummary, value: 'HKLM\\system : TRUE : REG_DWORD' }],
      },
    ],
    [
      'summary without a value type',
      {
        given: { type: 'Registry Key', summary: 'HKEY_LOCAL_MACHINE\\system : TRUE' },
        want: [{ pointer: '/summary', keyword: 'pattern', rule: RULE.registrySummary, value: 'HKEY_LOCAL_MACHINE\\system : TRUE' }],
      },
    ],
    [
      'summary with an unknown value type',
      {
        given: { type: 'Registry Key', summary: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_WORD' },
        want: [{ pointer: '/summary', keyword: 'pattern', rule: RULE.registrySummary, value: 'HKEY_LOCAL_MACHINE\\system : TRUE : REG_WORD' }],
      },
    ],
  ];
  it.each(rows)('%s', (_name, { given, want }) => {
    expect(outcome(validateRegistryKey(given))).toEqual(want);
  });
});

describe('Registry Key needs all three value fields (regression: the schema once took any one)', () => {
  // tc-batch-api.md §9: Key Name, Value Name and Value Type are all required (Value Name ' ' for none).
  const rule = RULE.needsValue('Registry Key', "all of 'Key Name', 'Value Name', 'Value Type'");
  const partial: Array<[string, Record<string, string>]> = [
    ['Key Name only', { 'Key Name': 'HKEY_LOCAL_MACHINE\\Software' }],
    ['Key Name and Value Name', { 'Key Name': 'HKEY_LOCAL_MACHINE\\Software', 'Value Name': 'Run' }],
    ['Value Type only', { 'Value Type': 'REG_SZ' }],
  ];
  it.each(partial)('%s is rejected', (_name, fields) => {
    const given = { type: 'Registry Key', ...fields };
    expect(outcome(validateRegistryKey(given))).toEqual([{ pointer: '', keyword: 'anyOf', rule, value: given }]);
  });
});

describe('issue item naming', () => {
  it('names an indicator given only by its value field', () => {
    const r = indicatorValidators.Address({ type: 'Address', ip: '256.1.1.1' });
    expect(r.valid).toBe(false);
    expect(r.valid ? undefined : r.issues[0]!.item).toStrictEqual({ pointer: '', type: 'Address' });
  });
});
