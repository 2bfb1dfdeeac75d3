// MISP importer on the real events (data/misp, test/fixtures/importers/misp) and on a hand-written
// event covering every mapped type. Attribute counts per type come from the files (see the
// fixtures README); xids are sha256("{type}-{summary}") computed outside the project.
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importMisp, MispInputError } from '../../src/importers/misp.js';
import { indicator, items, repoFile } from './helpers.js';

const INVISIMOLE = '14602757-2883-4f51-ac65-47baf432be8d';

describe('eset-invisimole (REST response shape, 319 attributes)', () => {
  const batch = new Batch();
  const report = importMisp(repoFile('test/fixtures/importers/misp/eset-invisimole.misp.json'), batch, { source: 'invisimole' });

  it('maps 211 attributes, rejects 108 of unmapped types by name', () => {
    expect(report.counts).toStrictEqual({ read: 319, groups: 1, indicators: 211, associations: 211, rejected: 108, skipped: 0 });
    expect(report.byType).toStrictEqual({ Event: 1, File: 89, 'Registry Key': 99, Mutex: 4, Address: 6, Host: 13 });
    const reasons: Record<string, number> = {};
    for (const r of report.rejects) reasons[r.reason] = (reasons[r.reason] ?? 0) + 1;
    expect(reasons).toStrictEqual({
      'MISP type "text" has no ThreatConnect mapping': 16,
      'MISP type "filename" has no ThreatConnect mapping': 29,
      'MISP type "other" has no ThreatConnect mapping': 63,
    });
    expect(report.rejects[0]).toStrictEqual({ source: 'invisimole#3bae9bfd-6f99-4408-8b01-fcb8b2919b4c', value: 'Win32/InvisiMole', reason: 'MISP type "text" has no ThreatConnect mapping' });
  });

  it('a regkey|value is a Registry Key with the value name after the bar', () => {
    expect(indicator(batch, 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Control Panel\\CPLs : infocard : REG_NONE')).toStrictEqual({
      summary: 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Control Panel\\CPLs : infocard : REG_NONE',
      type: 'Registry Key',
      xid: 'b5193c3af06a3837d84fa1220929441c0d67566a26019918798472d4751bd242',
      attribute: [{ type: 'Description', value: 'registration of Control Panel chain (stage 4)' }],
      associatedGroups: [{ groupXid: INVISIMOLE }],
    });
  });

  it('the Event: uuid as xid, date, 66 tags', () => {
    const event = items(batch).groups[0]!;
    expect(event).toMatchObject({ name: 'Digging up InvisiMole’s hidden arsenal', type: 'Event', xid: INVISIMOLE, eventDate: '2020-06-18T00:00:00Z' });
    expect((event.tag as unknown[]).length).toBe(66);
    expect((event.tag as unknown[])[1]).toStrictEqual({ name: 'misp-galaxy:threat-actor="InvisiMole"' });
  });
});

describe('eset-kryptocibule (191 attributes)', () => {
  it('counts', () => {
    const batch = new Batch();
    const report = importMisp(repoFile('test/fixtures/importers/misp/eset-kryptocibule.misp.json'), batch, { source: 'kc' });
    expect(report.counts).toStrictEqual({ read: 191, groups: 1, indicators: 101, associations: 101, rejected: 90, skipped: 0 });
    expect(report.byType).toStrictEqual({ Event: 1, File: 32, Address: 1, Host: 67, 'User Agent': 1 });
    expect(indicator(batch, 'Mozilla/5.0 (Windows NT 6.1; Win64; x64; rv:47.0) Gecko/20100101 Firefox/47.0').type).toBe('User Agent');
  });
});

describe('tweetfeed MISP feed event (shipped in data/)', () => {
  it('TLP tag to a security label on the event and its indicators; attribute tags and comments', () => {
    const batch = new Batch();
    const report = importMisp(repoFile('data/misp/tweetfeed-misp-feed-event-181b5be4.json'), batch, { source: 'tf' });
    expect(report.counts).toStrictEqual({ read: 17, groups: 1, indicators: 17, associations: 17, rejected: 0, skipped: 0 });
    expect(report.byType).toStrictEqual({ Event: 1, Address: 8, Host: 4, URL: 4, File: 1 });
    expect(items(batch).groups[0]).toStrictEqual({
      name: 'TweetFeed IOCs 2026-07-19',
      type: 'Event',
      xid: '181b5be4-a1f6-53a4-8436-4d4cd3e272a3',
      eventDate: '2026-07-19T00:00:00Z',
      securityLabel: [{ name: 'TLP:CLEAR' }],
      tag: [{ name: 'TweetFeed' }, { name: 'type:OSINT' }],
    });
    expect(indicator(batch, '66.116.246.57')).toStrictEqual({
      summary: '66.116.246.57',
      type: 'Address',
      xid: '0a544163d1dd44fec27ec1293090b72adcbf8184bd09d9feaccb1a7a39b95c92',
      attribute: [{ type: 'Description', value: 'https://x.com/Fact_Finder03/status/2078819895324602815' }],
      securityLabel: [{ name: 'TLP:CLEAR' }],
      tag: [{ name: 'C2' }, { name: 'RAT' }],
      associatedGroups: [{ groupXid: '181b5be4-a1f6-53a4-8436-4d4cd3e272a3' }],
    });
  });
});

describe('a hand-written event with every mapped type', () => {
  const attr = (uuid: string, type: string, value: string, extra: Record<string, unknown> = {}) => ({ uuid, type, value, ...extra });
  const event = {
    Event: {
      uuid: 'ev-1',
      info: 'x'.repeat(120),
      date: '2024-02-29',
      Tag: [{ name: 'tlp:amber+strict' }, { name: 'apt' }],
      Attribute: [
        attr('a1', 'ip-dst|port', '10.0.0.1|8080'),
        attr('a2', 'hostname|port', 'WWW.Example.com|443'),
        attr('a3', 'domain|ip', 'evil.example|192.0.2.7'),
        attr('a4', 'url', 'hxxps://Evil[.]example/x'),
        attr('a5', 'filename|sha256', 'C:\\tmp\\drop.exe|' + 'A'.repeat(64)),
        attr('a6', 'email-src', 'bad@evil.example'),
        attr('a7', 'email-subject', 'Invoice 42'),
        attr('a8', 'regkey', 'HKLM\\Software\\Run'),
        attr('a9', 'AS', 'AS64500'),
        attr('a10', 'vulnerability', 'CVE-2021-44228', { comment: 'log4shell' }),
        attr('a11', 'yara', 'rule demo { condition: true }'),
        attr('a12', 'snort', 'alert tcp any any -> any any (msg:"demo snort"; sid:1000001; rev:1;)'),
        attr('a13', 'md5', 'not-a-hash'),
        attr('a14', 'btc', '1B8QtVGktfjBfNptp1Ay1DVt5C47rq3yWY'),
        attr('a15', 'ip-src', '10.0.0.1', { deleted: true }),
        attr('a16', 'ip-src', '10.0.0.1', { Tag: [{ name: 'tlp:red' }] }),
      ],
      Object: [
        {
          name: 'file',
          uuid: 'o1',
          Attribute: [
            { uuid: 'o1a', type: 'md5', object_relation: 'md5', value: 'D41D8CD98F00B204E9800998ECF8427E' },
            { uuid: 'o1b', type: 'sha1', object_relation: 'sha1', value: 'da39a3ee5e6b4b0d3255bfef95601890afd80709' },
            { uuid: 'o1c', type: 'filename', object_relation: 'filename', value: 'empty.bin' },
            { uuid: 'o1d', type: 'size-in-bytes', object_relation: 'size-in-bytes', value: '0' },
            { uuid: 'o1e', type: 'mime-type', object_relation: 'mimetype', value: 'application/octet-stream' },
          ],
        },
      ],
    },
  };
  const batch = new Batch();
  const report = importMisp(event, batch, { source: 'h' });
  const evXid = 'ev-1';

  it('counts every attribute', () => {
    expect(report.counts).toStrictEqual({ read: 21, groups: 4, indicators: 11, associations: 14, rejected: 2, skipped: 2 });
    expect(report.duplicates).toBe(1);
    expect(report.rejects).toStrictEqual([
      { source: 'h#a13', value: 'not-a-hash', reason: 'MISP md5: not an md5, sha1 or sha256 hash' },
      { source: 'h#a14', value: '1B8QtVGktfjBfNptp1Ay1DVt5C47rq3yWY', reason: 'MISP type "btc" has no ThreatConnect mapping' },
    ]);
    expect(report.skipped).toStrictEqual([
      { source: 'h#a15', reason: 'deleted MISP attribute (ip-src)' },
      { source: 'h#o1e', reason: 'file object attribute "mimetype" has no ThreatConnect File field' },
    ]);
  });

  it('long info is cut to 100 characters and kept whole as Description', () => {
    expect(items(batch).groups[0]).toStrictEqual({
      name: `${'x'.repeat(99)}…`,
      type: 'Event',
      xid: evXid,
      eventDate: '2024-02-29T00:00:00Z',
      attribute: [{ type: 'Description', value: 'x'.repeat(120) }],
      securityLabel: [{ name: 'TLP:AMBER+STRICT' }],
      tag: [{ name: 'apt' }],
    });
  });

  it('indicators by type, normalised, with event labels and association', () => {
    const summaries = items(batch).indicators.map((i) => `${i.type}: ${i.summary}`);
    expect(summaries).toStrictEqual([
      'Address: 10.0.0.1',
      'Host: www.example.com',
      'Host: evil.example',
      'Address: 192.0.2.7',
      'URL: https://evil.example/x',
      `File: ${'a'.repeat(64)}`,
      'EmailAddress: bad@evil.example',
      'Email Subject: Invoice 42',
      'Registry Key: HKEY_LOCAL_MACHINE\\Software\\Run :   : REG_NONE',
      'ASN: ASN64500',
      'File: d41d8cd98f00b204e9800998ecf8427e : da39a3ee5e6b4b0d3255bfef95601890afd80709',
    ]);
    expect(indicator(batch, '10.0.0.1').securityLabel).toStrictEqual([{ name: 'TLP:AMBER+STRICT' }, { name: 'TLP:RED' }]);
    expect(indicator(batch, `${'a'.repeat(64)}`).fileOccurrence).toStrictEqual([{ fileName: 'drop.exe', path: 'C:\\tmp\\' }]);
    expect(indicator(batch, 'd41d8cd98f00b204e9800998ecf8427e : da39a3ee5e6b4b0d3255bfef95601890afd80709')).toMatchObject({ intValue1: 0, fileOccurrence: [{ fileName: 'empty.bin' }], associatedGroups: [{ groupXid: evXid }] });
  });

  it('vulnerability and signatures are groups associated with the event', () => {
    const groups = items(batch).groups.slice(1).map((g) => ({ name: g.name, type: g.type, fileType: g.fileType, fileName: g.fileName, associatedGroupXid: g.associatedGroupXid }));
    expect(groups).toStrictEqual([
      { name: 'CVE-2021-44228', type: 'Vulnerability', fileType: undefined, fileName: undefined, associatedGroupXid: [evXid] },
      { name: 'demo', type: 'Signature', fileType: 'YARA', fileName: 'demo.yar', associatedGroupXid: [evXid] },
      { name: 'demo snort', type: 'Signature', fileType: 'Snort', fileName: 'demo_snort.rules', associatedGroupXid: [evXid] },
    ]);
  });
});

describe('invalid input', () => {
  it('a JSON syntax error has a code, line and column', () => {
    const text = '{\n  "Event": {\n    "info": "x",\n  }\n}';
    let err: unknown;
    try {
      importMisp(text, new Batch());
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(MispInputError);
    expect(err).toMatchObject({ code: 'TCB_MISP_JSON', line: 4, column: 3 });
  });
  it('JSON that holds no event', () => {
    expect(() => importMisp('{"foo": 1}', new Batch())).toThrowError(expect.objectContaining({ code: 'TCB_MISP_FORMAT' }) as Error);
  });
});
