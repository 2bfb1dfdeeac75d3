// The six formats of issue 12 on real public files (test/fixtures/importers, licences beside them):
// exact counts worked out from the files (see test/fixtures/README.md), auto-detection, and the
// mapping of one record each.
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importFile, sniffFormat } from '../../src/importers/index.js';
import { importCsv } from '../../src/importers/ioc-list.js';
import { importOpenIoc, OpenIocFormatError } from '../../src/importers/openioc.js';
import { importKev, KevFormatError } from '../../src/importers/kev.js';
import { items, repoFile } from './helpers.js';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '../..');
const FX = 'test/fixtures/importers/';
const run = async (path: string) => {
  const batch = new Batch();
  const report = (await importFile(resolve(root, FX + path), batch)) as Awaited<ReturnType<typeof importFile>> & { duplicates: number; byType: Record<string, number> };
  return { batch, report };
};

describe('auto-detection', () => {
  it.each([
    ['rules/openioc/mandiant-iocs-6037663c-680c-4a28-ad58-40622d206e1d.ioc', 'openioc'],
    ['rules/sigma/sigmahq-proxy_ua_apt.yml', 'sigma'],
    ['rules/clamav/ditekshen-clamav.ldb', 'clamav'],
    ['rules/clamav/linux-malware-detect-rfxn-SAMPLE.hdb', 'clamav'],
    ['email/mail-parser-mail_test_3.eml', 'eml'],
    ['vulnerabilities/cisa-kev-SAMPLE-40.json', 'kev'],
    ['vulnerabilities/cisa-kev-SAMPLE-40.csv', 'kev'],
  ])('%s is %s (by content too)', (file, format) => {
    const text = repoFile(FX + file);
    expect(sniffFormat(file, text)).toBe(format);
    expect(sniffFormat('renamed', text)).toBe(format === 'clamav' ? 'txt' : format);
  });
});

describe('OpenIOC', () => {
  it('Mandiant 1.0 "Operation Poisoned Handover": 66 items, 25 md5, 16 hosts (2 repeated), 5 IPs, 18 kept in the Signature', async () => {
    const { batch, report } = await run('rules/openioc/mandiant-iocs-6037663c-680c-4a28-ad58-40622d206e1d.ioc');
    expect(report.counts).toStrictEqual({ read: 67, groups: 1, indicators: 46, associations: 46, rejected: 0, skipped: 18 });
    expect(report.byType).toStrictEqual({ Signature: 1, File: 25, Host: 16, Address: 5 });
    expect(report.duplicates).toBe(2);
    const sig = items(batch).groups[0]!;
    expect([sig.name, sig.type, sig.xid, sig.fileType, sig.fileName]).toStrictEqual(['OPERATION POISONED HANDOVER (BLOGPOST)', 'Signature', '6037663c-680c-4a28-ad58-40622d206e1d', 'OpenIOC', 'mandiant-iocs-6037663c-680c-4a28-ad58-40622d206e1d.ioc']);
    expect(items(batch).indicators[0]).toStrictEqual({ summary: '17bc9d2a640da75db6cbb66e5898feb1', type: 'File', xid: '99522c12de643b5e7e82129077a2dfe39c924899b6538b1167f8d1b69f01fb5a' /* sha256('File-<md5>'), python hashlib */, associatedGroups: [{ groupXid: '6037663c-680c-4a28-ad58-40622d206e1d' }] });
  });

  it('FireEye 1.1 Cobalt Strike profile: 41 items, none an indicator value (URL paths, headers, a UA pattern, a negated item)', async () => {
    const { report } = await run('rules/openioc/fireeye-rtt-POTENTIAL_COBALT_STRIKE_PROFILE_(FAMILY).ioc');
    expect(report.counts).toStrictEqual({ read: 42, groups: 1, indicators: 0, associations: 0, rejected: 0, skipped: 41 });
    expect(report.skipped.filter((s) => s.reason.startsWith('a URL part with no scheme and host'))).toHaveLength(26);
  });

  it('FireEye 1.1 PGF: 26 md5 (one repeated), 5 negated items skipped', async () => {
    const { report } = await run('rules/openioc/fireeye-rtt-PayloadGenerationFramework_FileWrites_(Utility).ioc');
    expect(report.counts).toStrictEqual({ read: 33, groups: 1, indicators: 25, associations: 25, rejected: 0, skipped: 6 });
    expect(report.skipped.filter((s) => s.reason.startsWith('negated item'))).toHaveLength(5);
  });

  it('Mandiant "Ads Gone Bad": 22 hosts, 7 IPs; URI fragments are not URLs', async () => {
    const { report } = await run('rules/openioc/mandiant-iocs-4fdb0f45-8151-4941-a9e1-a31e21000659.ioc');
    expect(report.counts).toStrictEqual({ read: 39, groups: 1, indicators: 29, associations: 29, rejected: 0, skipped: 9 });
    expect(report.byType).toStrictEqual({ Signature: 1, Host: 22, Address: 7 });
  });

  it('20,000 nested Indicators: a typed OpenIocFormatError (the XML parser’s limit), never a plain Error', () => {
    const xml = `<?xml version="1.0"?><OpenIOC xmlns="http://openioc.org/schemas/OpenIOC_1.1" id="x"><criteria>${'<Indicator operator="OR">'.repeat(20_000)}${'</Indicator>'.repeat(20_000)}</criteria></OpenIOC>`;
    let err: unknown;
    try {
      importOpenIoc(xml, new Batch(), { source: 'deep.ioc' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OpenIocFormatError);
    expect([(err as OpenIocFormatError).code, (err as Error).message]).toStrictEqual(['TCB_OPENIOC_FORMAT', 'not readable OpenIOC XML: Maximum nested tags exceeded']);
  });
});

describe('Sigma', () => {
  it.each([
    ['sigmahq-dns_query_win_malware_3cx_compromise.yml', 'Potential Compromised 3CXDesktopApp Beaconing Activity - DNS', 'bd03a0dc-5d93-49eb-b2e8-2dfd268600f8'],
    ['sigmahq-proc_creation_win_apt_gallium_iocs.yml', 'GALLIUM IOCs', '440a56bf-7873-4439-940a-1c8a671073c2'],
    ['sigmahq-proxy_ua_apt.yml', 'APT User Agent', '6ec820f2-e963-4801-9127-d8b2dce4d31b'],
  ])('%s: one Signature named from its title, xid its id', async (file, name, id) => {
    const { batch, report } = await run(`rules/sigma/${file}`);
    expect(report.counts).toStrictEqual({ read: 1, groups: 1, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
    const g = items(batch).groups[0]!;
    expect([g.name, g.xid, g.fileType, g.fileName, g.fileText]).toStrictEqual([name, id, 'Sigma', `${id}.yml`, repoFile(`${FX}rules/sigma/${file}`).trim()]);
  });
});

describe('ClamAV', () => {
  it('ditekshen .ldb: 157 Signatures, 4 commented out skipped', async () => {
    const { batch, report } = await run('rules/clamav/ditekshen-clamav.ldb');
    expect(report.counts).toStrictEqual({ read: 161, groups: 157, indicators: 0, associations: 0, rejected: 0, skipped: 4 });
    expect(items(batch).groups[0]).toMatchObject({ name: 'ditekSHen.INDICATOR.RTF.AncalogExploitBuilderDocument', fileType: 'ClamAV', fileName: 'ditekSHen.INDICATOR.RTF.AncalogExploitBuilderDocument.ldb', fileText: 'ditekSHen.INDICATOR.RTF.AncalogExploitBuilderDocument;Engine:51-255,Target:0;0&1;0:7b5c7274;7b5c2a5c616e63616c6f67' });
  });
  it('rfxn .ndb: 188 Signatures', async () => {
    const { report } = await run('rules/clamav/linux-malware-detect-rfxn-SAMPLE.ndb');
    expect(report.counts).toStrictEqual({ read: 188, groups: 188, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
  });
  it('rfxn .hdb: 442 Signatures, 425 Files with their size (17 repeated MD5s merged, associated with each Signature)', async () => {
    const { batch, report } = await run('rules/clamav/linux-malware-detect-rfxn-SAMPLE.hdb');
    expect(report.counts).toStrictEqual({ read: 442, groups: 442, indicators: 425, associations: 442, rejected: 0, skipped: 0 });
    expect(report.duplicates).toBe(17);
    const f = items(batch).indicators.find((i) => i.summary === 'e578299fd6932d25f84e1792ac027369')!;
    expect((f.associatedGroups as unknown[]).length).toBe(14);
    expect(items(batch).indicators[0]).toMatchObject({ summary: 'b064bcd6767545eb6db1d16140e4e7c6', type: 'File', intValue1: 58473 });
  });
});

describe('e-mail messages', () => {
  it('mail-parser 3 (malspam): Email, From and To, subject, X-Mailer', async () => {
    const { batch, report } = await run('email/mail-parser-mail_test_3.eml');
    expect(report.counts).toStrictEqual({ read: 5, groups: 1, indicators: 4, associations: 4, rejected: 0, skipped: 0 });
    const email = items(batch).groups[0]!;
    expect([email.type, email.name, email.subject, email.from, email.to]).toStrictEqual(['Email', 'Hi there', 'Hi there', 'Oneil.844@randtelekom.com.tr', 'kalinokyra@thismail.it']);
    expect(items(batch).indicators.map((i) => [i.type, i.summary])).toStrictEqual([
      ['EmailAddress', 'Oneil.844@randtelekom.com.tr'],
      ['EmailAddress', 'kalinokyra@thismail.it'],
      ['Email Subject', 'Hi there'],
      ['User Agent', 'Outlook for iOS and Android'],
    ]);
  });
  it('mail-parser 19: the address in <>, not a display name that looks like one', async () => {
    const { batch, report } = await run('email/mail-parser-mail_test_19.eml');
    expect(report.counts).toStrictEqual({ read: 7, groups: 1, indicators: 6, associations: 6, rejected: 0, skipped: 0 });
    expect(items(batch).indicators.filter((i) => i.type === 'EmailAddress').map((i) => i.summary)).toStrictEqual(['bob@example.com', 'charlie@example.com', 'dave@example.com', 'frank@example.com', 'ivan@example.com']);
  });
  it('PyMISP mail 3: three attachments as Files with all three hashes', async () => {
    const { report } = await run('email/pymisp-test-mail_3.eml');
    expect(report.counts).toStrictEqual({ read: 8, groups: 1, indicators: 7, associations: 7, rejected: 0, skipped: 0 });
    expect(report.byType).toStrictEqual({ Email: 1, EmailAddress: 2, 'Email Subject': 1, 'User Agent': 1, File: 3 });
  });
  it('mail-parser 18: RFC 2047 names', async () => {
    const { report } = await run('email/mail-parser-mail_test_18.eml');
    expect(report.counts).toStrictEqual({ read: 6, groups: 1, indicators: 5, associations: 5, rejected: 0, skipped: 0 });
  });
});

describe('CISA KEV', () => {
  it.each(['json', 'csv'])('the %s catalogue: 40 Vulnerabilities, 6 tagged for known ransomware use, the same groups either way', async (ext) => {
    const { batch, report } = await run(`vulnerabilities/cisa-kev-SAMPLE-40.${ext}`);
    expect(report.counts).toStrictEqual({ read: 40, groups: 40, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
    const groups = items(batch).groups;
    expect(groups.filter((g) => g.tag !== undefined)).toHaveLength(6);
    expect(groups[0]).toStrictEqual({
      name: 'CVE-2024-12987',
      type: 'Vulnerability',
      xid: '4e6532cd97b5201b2c2440f13e6a8fb55b8b3a7334f277b8a321380afb5d5311',
      attribute: [
        { type: 'Description', value: 'DrayTek Vigor2960, Vigor300B, and Vigor3900 routers contain an OS command injection vulnerability due to an unknown function of the file /cgi-bin/mainfunction.cgi/apmcfgupload of the component web management interface.' },
        { type: 'Title', value: 'DrayTek Vigor Routers OS Command Injection Vulnerability' },
        { type: 'Vendor', value: 'DrayTek' },
        { type: 'Product', value: 'Vigor Routers' },
        { type: 'Required Action', value: 'Apply mitigations per vendor instructions, follow applicable BOD 22-01 guidance for cloud services, or discontinue use of the product if mitigations are unavailable.' },
        { type: 'Date Added', value: '2025-05-15' },
        { type: 'Due Date', value: '2025-06-05' },
        { type: 'CWE', value: 'CWE-78' },
        { type: 'Source', value: 'https://fw.draytek.com.tw/Vigor2960/Firmware/v1.5.1.5/DrayTek_Vigor2960_V1.5.1.5_01release-note.pdf' },
        { type: 'Source', value: 'https://fw.draytek.com.tw/Vigor300B/Firmware/v1.5.1.5/DrayTek_Vigor300B_V1.5.1.5_01release-note.pdf' },
        { type: 'Source', value: 'https://fw.draytek.com.tw/Vigor3900/Firmware/v1.5.1.5/DrayTek_Vigor3900_V1.5.1.5_01release-note.pdf' },
        { type: 'Source', value: 'https://nvd.nist.gov/vuln/detail/CVE-2024-12987' },
      ],
    });
    // one Source per link of `notes`, however they are separated (`url; url`, `url, url; url`): 73 links in all
    type Attr = { type: string; value: string };
    const attrs = (g: Record<string, unknown> | undefined): Attr[] => (g?.attribute as Attr[] | undefined) ?? [];
    expect(groups.flatMap(attrs).filter((a) => a.type === 'Source')).toHaveLength(73);
    const source = (cve: string) => attrs(groups.find((g) => g.name === cve)).filter((a) => a.type === 'Source').map((a) => a.value);
    expect([source('CVE-2020-2551'), source('CVE-2023-41993')]).toStrictEqual([
      ['https://www.oracle.com/security-alerts/cpujan2020.html', 'https://nvd.nist.gov/vuln/detail/CVE-2020-2551'],
      ['https://support.apple.com/en-us/HT213926', 'https://support.apple.com/en-us/HT213927', 'https://support.apple.com/en-us/HT213930', 'https://nvd.nist.gov/vuln/detail/CVE-2023-41993'],
    ]);
  });
  it('a CSV that is not the catalogue is a KevFormatError, even with no rows', () => {
    expect(() => importKev('[[[]]]\n', new Batch())).toThrow(KevFormatError);
    expect(() => importKev('cveID,vendorProject\n', new Batch())).not.toThrow();
  });
});

describe('TSV', () => {
  it('a # preamble and a header: columns by name, the User-Agent column as User Agent', () => {
    const batch = new Batch();
    const text = '# exported\nindicator\tuser_agent\tcomment\nevil.com\tMozilla/4.0 (compatible; MSI 6.0;\tC2\n';
    const report = importCsv(text, batch, { source: 'x.tsv', delimiter: '\t' });
    expect(report.counts).toStrictEqual({ read: 3, groups: 0, indicators: 2, associations: 0, rejected: 0, skipped: 0 });
    expect(items(batch).indicators.map((i) => [i.type, i.summary, i.attribute])).toStrictEqual([
      ['User Agent', 'Mozilla/4.0 (compatible; MSI 6.0;', [{ type: 'Description', value: 'C2' }]],
      ['Host', 'evil.com', [{ type: 'Description', value: 'C2' }]],
    ]);
    expect(sniffFormat('x.txt', text)).toBe('tsv');
  });
  it('unit42 Conti (no header, tab columns): 54 indicators, the repeated IP merged', async () => {
    const { report } = await run('ioc-feeds/unit42-Conti_IOCs.txt');
    expect(report.counts).toStrictEqual({ read: 56, groups: 0, indicators: 54, associations: 0, rejected: 0, skipped: 0 });
    expect([report.format, report.duplicates, report.byType]).toStrictEqual(['txt', 1, { Address: 7, Host: 3, File: 44 }]);
  });
});

