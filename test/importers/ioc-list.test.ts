// CSV/TXT IOC list importers on the real feeds (data/ioc-feeds, test/fixtures/importers/ioc-feeds).
// Expected counts were worked out from the files themselves (see data/README.md and
// test/fixtures/README.md), not from the importer: e.g. tweetfeed has 1,574 rows, 38 repeated
// values, 2 broken-quote rows and 2 domains with underscores (TC Host rule).
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importCsv, importTxt } from '../../src/importers/ioc-list.js';
import { indicator, items, repoFile } from './helpers.js';

// xids are sha256("{type}-{summary}") computed outside the project (python hashlib).
const FX = 'test/fixtures/importers/ioc-feeds/';

describe('tweetfeed-week.csv (headerless, CRLF, broken quoting)', () => {
  const batch = new Batch();
  const report = importCsv(repoFile('data/ioc-feeds/tweetfeed-week.csv'), batch, { source: 'tweetfeed-week.csv', columns: { value: 3, tags: 4, source: 5 } });

  it('accounts for every row', () => {
    expect(report.counts).toStrictEqual({ read: 1574, groups: 0, indicators: 1532, associations: 0, rejected: 4, skipped: 0 });
    expect(report.byType).toStrictEqual({ Host: 573, URL: 681, File: 116, Address: 162 });
    expect(report.duplicates).toBe(38);
    expect(report.ignored).toStrictEqual({ blank: 0, comment: 0, header: 0 });
    expect(report.counts.indicators + report.duplicates + report.counts.rejected).toBe(1574);
    expect(batch.counts.indicators).toBe(1532);
  });

  it('rejects the two broken-quote rows and the two underscore hosts, with their lines', () => {
    expect(report.rejects).toStrictEqual([
      { source: 'tweetfeed-week.csv:119', value: 'public-faq-start-helps_-trezr.typedream.app', reason: 'summary: a Host is an RFC 1123 host name in ASCII (IDNs as punycode), no underscores (ThreatConnect REST API: indicator types)' },
      { source: 'tweetfeed-week.csv:1157', value: 'https://havan-com-br.site/produto.php?slug=escada-telesc-pica-extensiva-alum-nio-5m-dobr-vel-16-degraus",', reason: 'broken quoting: the value contains a quote character' },
      { source: 'tweetfeed-week.csv:1231', value: 'nx_2026073083242.zip', reason: 'summary: a Host is an RFC 1123 host name in ASCII (IDNs as punycode), no underscores (ThreatConnect REST API: indicator types)' },
      {
        source: 'tweetfeed-week.csv:1471',
        value: 'https://havan-com.site/produto.php?slug=escada-multifuncional-de-alum-nio-4x4-com-16-degraus-dobr-vel",#phishing,#scam,#golpe,#fakewebsite,#clone,#ecommercefake,@havanoficial',
        reason: 'broken quoting: the value contains a quote character',
      },
    ]);
  });

  it('row 1: a Host with its tag and post link', () => {
    expect(indicator(batch, 'hndjsy.com')).toStrictEqual({
      summary: 'hndjsy.com',
      type: 'Host',
      xid: 'c310c0e972f22f073c6294eb622b99a2c853aa03cd3b83a0ade16b508b5430b2',
      attribute: [{ type: 'Source', value: 'https://example.invalid/post/1' }],
      tag: [{ name: 'phishing' }],
    });
  });
});

describe('unit42 TA551 appendix (free text, defanged)', () => {
  const batch = new Batch();
  const report = importTxt(repoFile('data/ioc-feeds/unit42-TA551-2020-10-06-IcedID.txt'), batch, { source: 'unit42.txt', extract: true });

  it('counts: 61 sha256, 20 defanged domains, 13 IPs, 6 repeated IPs; prose lines skipped', () => {
    expect(report.counts).toStrictEqual({ read: 169, groups: 0, indicators: 94, associations: 0, rejected: 0, skipped: 61 });
    expect(report.byType).toStrictEqual({ File: 61, Host: 20, Address: 13 });
    expect(report.duplicates).toBe(6);
    expect(report.ignored).toStrictEqual({ blank: 27, comment: 0, header: 0 });
  });

  it('line 57 "- a020dxl[.]com - 193.201.126[.]200" gives a Host and an Address', () => {
    expect(indicator(batch, 'a020dxl.com')).toStrictEqual({ summary: 'a020dxl.com', type: 'Host', xid: '7e5bc3e29094193802b2337fbd9819847ddfc7c88c6820654c352e86f123437b' });
    expect(indicator(batch, '193.201.126.200')).toStrictEqual({ summary: '193.201.126.200', type: 'Address', xid: 'ce1070b2ef105f0f7bd77db93eb30b7d3455ee7bdd911e833c449949a2af2bdd' });
  });

  it('line 9 "- <sha256>  bid,010.20.doc" gives a File with the doc name as occurrence', () => {
    expect(indicator(batch, '431bfa5f974578a2e8f10ead49638ea60670ef07cbd895837b59e7025064f5aa')).toStrictEqual({
      summary: '431bfa5f974578a2e8f10ead49638ea60670ef07cbd895837b59e7025064f5aa',
      type: 'File',
      xid: 'abc889e1ebdc89cce11df50d762cce1a893be28780532f20b757dcf2a36dee57',
      fileOccurrence: [{ fileName: 'bid,010.20.doc' }],
    });
  });

  it('benign domains written fanged are not taken', () => {
    expect(items(batch).indicators.some((i) => i.summary === 'www.oracle.com')).toBe(false);
    expect(report.skipped).toContainEqual({ source: 'unit42.txt:164', reason: 'no indicator in the line' });
  });
});

describe('bad-asn-list.csv (header, bare numbers, quoting repaired)', () => {
  const batch = new Batch();
  const report = importCsv(repoFile('data/ioc-feeds/bad-asn-list.csv'), batch, { source: 'bad-asn-list.csv' });

  it('742 rows: 723 ASNs, 19 repeats; the two bad-quote rows repaired and listed', () => {
    expect(report.counts).toStrictEqual({ read: 743, groups: 0, indicators: 723, associations: 0, rejected: 0, skipped: 0 });
    expect(report.byType).toStrictEqual({ ASN: 723 });
    expect(report.duplicates).toBe(19);
    expect(report.ignored.header).toBe(1);
    expect(report.warnings.map((w) => w.source)).toStrictEqual(['bad-asn-list.csv:3', 'bad-asn-list.csv:741']);
  });

  it('line 3 `51447, "RootLayer Web Services Ltd, NL"` is ASN51447 with its entity', () => {
    expect(indicator(batch, 'ASN51447')).toStrictEqual({
      summary: 'ASN51447',
      type: 'ASN',
      xid: 'b4236241ee8b8129b9807e3df54cce6a55549b07eb7ef942bce5e0cd822195e4',
      attribute: [{ type: 'Description', value: 'RootLayer Web Services Ltd, NL' }],
    });
  });
});

describe('hash lists', () => {
  it('signature-base: 3,224 hashes, 171 repeats once case is normalised', () => {
    const batch = new Batch();
    const report = importTxt(repoFile(`${FX}signature-base-hash-iocs.txt`), batch, { source: 'sb.txt' });
    expect(report.counts).toStrictEqual({ read: 3357, groups: 0, indicators: 3053, associations: 0, rejected: 0, skipped: 0 });
    expect(report.duplicates).toBe(171);
    expect(report.ignored).toStrictEqual({ blank: 116, comment: 17, header: 0 });
    // line 1572 has trailing spaces after its comment
    expect(indicator(batch, 'ed627b7bbf7ea78c343e9fb99783c62b').attribute).toStrictEqual([{ type: 'Description', value: 'Threat Needle - Loader - https://securelist.com/lazarus-threatneedle/100803/' }]);
  });

  it('fireeye: one File with all three hashes per row', () => {
    const batch = new Batch();
    const report = importCsv(repoFile(`${FX}fireeye-rtt-all-hashes.csv`), batch, { source: 'fe.csv' });
    expect(report.counts).toStrictEqual({ read: 101, groups: 0, indicators: 100, associations: 0, rejected: 0, skipped: 0 });
    expect(indicator(batch, '013c7708f1343d684e3571453261b586 : 5968670c0345b0ab5404bd84cb60d7af7a625020 : 77bdcb2a9873c4629d8675c8ce9cc8a0cf35c514e27f7a6dc2bc4b31f79dd9e2').type).toBe('File');
  });
});

describe('maltrail lists', () => {
  it('apt_sandworm: hosts, ip:port, host/path; bare paths rejected', () => {
    const batch = new Batch();
    const report = importTxt(repoFile(`${FX}maltrail-apt_sandworm.txt`), batch, { source: 'sw.txt' });
    expect(report.counts).toStrictEqual({ read: 952, groups: 0, indicators: 476, associations: 0, rejected: 17, skipped: 0 });
    expect(report.byType).toStrictEqual({ Host: 340, Address: 78, URL: 58 });
    expect(report.duplicates).toBe(323);
    expect(report.rejects[0]).toStrictEqual({ source: 'sw.txt:475', value: '/Microsoft/Update/KS4567890.php', reason: 'URL path without a host' });
    expect(indicator(batch, 'http://ertel-audit.com/wp-includes/caramel.php').type).toBe('URL');
  });

  it('mass_scanner_cidr: blocks with their comments', () => {
    const batch = new Batch();
    const report = importTxt(repoFile(`${FX}maltrail-mass_scanner_cidr.txt`), batch, { source: 'c.txt' });
    expect(report.counts).toStrictEqual({ read: 1130, groups: 0, indicators: 1102, associations: 0, rejected: 0, skipped: 0 });
    expect(report.byType).toStrictEqual({ CIDR: 1092, Address: 10 });
    expect(report.duplicates).toBe(4);
    expect(indicator(batch, '5.63.151.0/24').attribute).toStrictEqual([{ type: 'Description', value: 'scanners.labs.rapid7.com' }]);
  });
});

describe('urlhaus-filter sample (# preamble, header host,path)', () => {
  it('rows without a path are hosts or addresses, rows with one URLs', () => {
    const batch = new Batch();
    const report = importCsv(repoFile(`${FX}urlhaus-filter-splunk-online-SAMPLE.csv`), batch, { source: 'uh.csv' });
    expect(report.counts).toStrictEqual({ read: 1007, groups: 0, indicators: 1000, associations: 0, rejected: 0, skipped: 0 });
    expect(report.byType).toStrictEqual({ Host: 2, Address: 398, URL: 600 });
    expect(report.ignored).toStrictEqual({ blank: 0, comment: 6, header: 1 });
    expect(indicator(batch, 'http://2024.sci-hub.se/2294/7a43bb4cf6c57229b02a9604a1f4614e/skidmore1966.pdf').type).toBe('URL');
  });
});

describe('a hand-written CSV: header mapping, refang, IDN, ports, tags, broken lines', () => {
  const text = [
    '# preamble',
    'indicator,tags,comment',
    'hxxp://Bücher[.]de:8080/a,#a #b,first',
    '"EVIL[.]com",c,',
    'evil.com,d,',
    '1.2.3.4:443,,',
    'D41D8CD98F00B204E9800998ECF8427E,,',
    'd41d8cd98f00b204e9800998ecf8427e,,',
    '"unclosed,x,y',
    'a,b',
    '',
    'nothing-here,,',
  ].join('\r\n');
  const batch = new Batch();
  const report = importCsv(text, batch, { source: 'h.csv', tags: ['feed'] });

  it('every line has an outcome', () => {
    expect(report.counts).toStrictEqual({ read: 12, groups: 0, indicators: 4, associations: 0, rejected: 3, skipped: 0 });
    expect(report.duplicates).toBe(2);
    expect(report.ignored).toStrictEqual({ blank: 1, comment: 1, header: 1 });
    expect(report.rejects).toStrictEqual([
      { source: 'h.csv:9', value: '"unclosed,x,y', reason: 'broken quoting, line not imported (a quote opened on this line is never closed)' },
      { source: 'h.csv:10', value: 'a,b', reason: 'broken quoting or delimiters: 2 fields where 3 are expected' },
      { source: 'h.csv:12', value: 'nothing-here', reason: 'not a recognised indicator value' },
    ]);
  });

  it('values are refanged and normalised; duplicates merge their tags', () => {
    expect(indicator(batch, 'http://xn--bcher-kva.de:8080/a')).toMatchObject({ type: 'URL', tag: [{ name: 'feed' }, { name: 'a' }, { name: 'b' }], attribute: [{ type: 'Description', value: 'first' }] });
    expect(indicator(batch, 'evil.com').tag).toStrictEqual([{ name: 'feed' }, { name: 'c' }, { name: 'd' }]);
    expect(indicator(batch, '1.2.3.4').type).toBe('Address');
    expect(indicator(batch, 'd41d8cd98f00b204e9800998ecf8427e').type).toBe('File');
  });
});
