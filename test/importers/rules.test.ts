// Rule importers on the real rule files (data/rules, test/fixtures/importers/rules): rule counts
// from the files (grep of `rule` headers and `alert` lines), exact Signature JSON written by hand;
// xids are sha256("Signature-<fileType>-<file>-<rule name or sid:N>") computed outside the project.
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importRules, parseSnort, parseYara } from '../../src/importers/rules.js';
import { items, repoFile } from './helpers.js';

describe('YARA', () => {
  it('eset-turla-outlook.yar: 7 rules; turla_outlook_filenames as exact Signature JSON', () => {
    const batch = new Batch();
    const report = importRules(repoFile('data/rules/yara/eset-turla-outlook.yar'), batch, { source: 'eset-turla-outlook.yar' });
    expect(report.counts).toStrictEqual({ read: 7, groups: 7, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
    const groups = items(batch).groups;
    expect(groups.map((g) => g.name)).toStrictEqual(['not_ms', 'turla_outlook_gen', 'turla_outlook_filenames', 'turla_outlook_log', 'turla_outlook_exports', 'turla_outlook_pdf', 'outlook_misty1']);
    expect(groups.find((g) => g.name === 'turla_outlook_filenames')).toStrictEqual({
      name: 'turla_outlook_filenames',
      type: 'Signature',
      xid: '6ead23dca0356e70472be6b06002d6dc880cd576acda3bb2b995eb2cdd00ebcc',
      fileName: 'turla_outlook_filenames.yar',
      fileType: 'YARA',
      fileText: [
        'import "pe"',
        '',
        'rule turla_outlook_filenames {',
        '    meta:',
        '        author      = "ESET Research"',
        '        date        = "22-08-2018"',
        '        description = "Turla Outlook filenames"',
        '        reference   = "https://www.welivesecurity.com/wp-content/uploads/2018/08/Eset-Turla-Outlook-Backdoor.pdf"',
        '        source = "https://github.com/eset/malware-ioc/"',
        '        contact = "github@eset.com"',
        '        license = "BSD 2-Clause"   ',
        '    strings:',
        '        $s1 = "mapid.tlb"',
        '        $s2 = "msmime.dll"',
        '        $s3 = "scawrdot.db"',
        '    condition:',
        '        any of them',
        '}',
      ].join('\n'),
    });
    expect(String(groups[0]!.fileText)).toMatch(/^import "pe"\n\nprivate rule not_ms \{/);
  });

  it('fireeye-rtt-all-yara.yar: 169 rules, each from `rule` to its closing brace', () => {
    const batch = new Batch();
    const report = importRules(repoFile('test/fixtures/importers/rules/yara/fireeye-rtt-all-yara.yar'), batch, { source: 'fireeye-rtt-all-yara.yar' });
    expect(report.counts).toStrictEqual({ read: 169, groups: 169, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
    for (const g of items(batch).groups) expect(String(g.fileText)).toMatch(/^import "pe"\n\nrule [A-Za-z0-9_]+\s*(:[^{]*)?\{[\s\S]*\}$/);
  });

  it('braces inside strings, regexes, hex strings and comments do not end a rule; tags kept', () => {
    const text = [
      'rule a : t1 t2 {',
      '  strings:',
      '    $s = "}}{" // }',
      '    $r = /ab{2,3}\\}x/',
      '    $h = { 4D 5A [2-4] ( 90 | 91 ) }',
      '  /* } */',
      '  condition: any of them',
      '}',
      'junk',
      'rule b { condition: false }',
    ].join('\n');
    const { rules, problems } = parseYara(text);
    expect(rules.map((r) => [r.name, r.line, r.tags])).toStrictEqual([
      ['a', 1, ['t1', 't2']],
      ['b', 10, undefined],
    ]);
    expect(rules[0]!.text.endsWith('any of them\n}')).toBe(true);
    expect(problems).toStrictEqual([{ line: 9, reason: 'text outside a YARA rule', value: 'junk' }]);
  });
});

describe('Snort', () => {
  it('eset-potao.rules: 9 rules, 4 sharing a msg with another stay separate groups, named uniquely', () => {
    const batch = new Batch();
    const report = importRules(repoFile('test/fixtures/importers/rules/snort/eset-potao.rules'), batch, { source: 'eset-potao.rules' });
    expect(report.counts).toStrictEqual({ read: 9, groups: 9, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
    const groups = items(batch).groups;
    expect(groups.filter((g) => String(g.name).startsWith('ET TROJAN Win32/Potao C&C DNS request')).map((g) => g.name)).toStrictEqual([
      'ET TROJAN Win32/Potao C&C DNS request',
      ...[4, 5, 6, 7].map((n) => `ET TROJAN Win32/Potao C&C DNS request (sid ${35370000 + n}, line ${n + 31})`),
    ]);
    expect(new Set(groups.map((g) => g.name)).size).toBe(9);
    expect(new Set(groups.map((g) => g.xid)).size).toBe(9);
    expect(groups[0]).toMatchObject({
      name: 'ET TROJAN Win32/Potao HTTP CnC Beacon',
      type: 'Signature',
      xid: '2838bc163c147b1e725df4ad58d5a54e48a01a2504803180108ed9d39305d825',
      fileName: 'sid-35370001.rules',
      fileType: 'Snort',
    });
  });

  it('fireeye-rtt-all-snort.rules: 40 rules; as Suricata on request', () => {
    const batch = new Batch();
    const report = importRules(repoFile('test/fixtures/importers/rules/snort/fireeye-rtt-all-snort.rules'), batch, { source: 'fe.rules', format: 'suricata' });
    expect(report.counts).toStrictEqual({ read: 40, groups: 40, indicators: 0, associations: 0, rejected: 0, skipped: 0 });
    expect(new Set(items(batch).groups.map((g) => g.fileType))).toStrictEqual(new Set(['Suricata']));
  });

  it('continuations, commented-out rules, rules without msg, long names', () => {
    const long = 'M'.repeat(120);
    const text = [
      '# header comment',
      'alert tcp any any -> any any (msg:"two \\; lines"; \\',
      '  content:"x"; sid:5; rev:1;)',
      '# alert udp any any -> any 53 (msg:"off"; sid:6;)',
      'alert ip any any -> any any (sid:7;)',
      `alert ip any any -> any any (msg:"${long}"; sid:8;)`,
      'not a rule',
    ].join('\n');
    expect(parseSnort(text).rules[0]).toStrictEqual({ name: 'two ; lines', text: 'alert tcp any any -> any any (msg:"two \\; lines"; \\\n  content:"x"; sid:5; rev:1;)', line: 2, sid: '5' });
    const batch = new Batch();
    const report = importRules(text, batch, { source: 't.rules' });
    expect(report.counts).toStrictEqual({ read: 5, groups: 2, indicators: 0, associations: 0, rejected: 2, skipped: 1 });
    expect(report.skipped).toStrictEqual([{ source: 't.rules:4', reason: 'commented-out rule' }]);
    expect(report.rejects.map((r) => [r.source, r.reason])).toStrictEqual([
      ['t.rules:7', 'not a Snort/Suricata rule (no action keyword)'],
      ['t.rules:5', 'a Snort rule without a name (msg) cannot be a Signature'],
    ]);
    expect(items(batch).groups[1]!.name).toBe(`${'M'.repeat(99)}…`);
  });
});
