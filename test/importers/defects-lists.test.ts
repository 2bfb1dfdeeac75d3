// Issue 12 defects 1, 3, 4, 8, 10: IOC lists and JSON positions, each with its exact output.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Batch } from '../../src/index.js';
import { importCsv, importCsvFile, importTxt } from '../../src/importers/ioc-list.js';
import { guessCsvColumns } from '../../src/importers/index.js';
import { parseJsonText, JsonSyntaxError } from '../../src/importers/json-text.js';
import { readContentFile } from '../../src/importers/content-file.js';
import { items } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'tcbatch-defects-'));

describe('defect 1: a heading and cidr,label rows', () => {
  it('gives ASN63949 and the CIDR with its label, no URL', () => {
    const batch = new Batch();
    const report = importTxt('# AS63949 Linode, LLC\n\n103.29.68.0/22,linode\n', batch, { source: 'wa.txt' });
    expect(items(batch).indicators).toStrictEqual([
      { summary: 'ASN63949', type: 'ASN', xid: '5f59daf51ee1eb5a44c4a79fc41562bde4c4278173fd14c8d956b9ef151dcd3d', attribute: [{ type: 'Description', value: 'Linode, LLC' }] },
      { summary: '103.29.68.0/22', type: 'CIDR', xid: '4e1822773eaf5cd2c8b8d2d7c1d01411759e5afd58bb7f1238c6cda1c2a62556', attribute: [{ type: 'Description', value: 'linode' }] },
    ]);
    expect(report.counts).toStrictEqual({ read: 3, groups: 0, indicators: 2, associations: 0, rejected: 0, skipped: 0 });
  });

  it('a CIDR followed by text is never a URL', () => {
    const batch = new Batch();
    const report = importTxt('103.29.68.0/22linode\n', batch, { source: 'x.txt' });
    expect(report.rejects).toStrictEqual([{ source: 'x.txt:1', value: '103.29.68.0/22linode', reason: 'a CIDR block followed by other text' }]);
  });
});

describe('defect 3: the CSV tags column', () => {
  const row = '2026-08-16 01:04:58,r1,domain,hndjsy.com,#phishing #mal,https://x.com/r1/status/1\n';
  it('is found in a headerless CSV (a # inside a row is not a comment)', () => {
    expect(guessCsvColumns(row)).toStrictEqual({ value: 3, tags: 4 });
  });
  it('gives the Host its tags', () => {
    const batch = new Batch();
    importCsv(row, batch, { source: 't.csv', columns: guessCsvColumns(row)! });
    expect(items(batch).indicators).toStrictEqual([{ summary: 'hndjsy.com', type: 'Host', xid: 'c310c0e972f22f073c6294eb622b99a2c853aa03cd3b83a0ade16b508b5430b2', tag: [{ name: 'phishing' }, { name: 'mal' }] }]);
  });
});

describe('defect 4: CSV as one stream (RFC 4180)', () => {
  const text = 'value,description\n"evil.com","a description\nover two lines"\n"unclosed,x\nbad.com,ok\n';
  it('a quoted field spanning lines is one record; an unclosed quote damages its line only', () => {
    const batch = new Batch();
    const report = importCsv(text, batch, { source: 'm.csv' });
    expect(items(batch).indicators).toStrictEqual([
      { summary: 'evil.com', type: 'Host', xid: 'fbd6c31a84d8cf74d2c45f3203036b446b71f4d68333a5959a5e576f7c3d9974', attribute: [{ type: 'Description', value: 'a description\nover two lines' }] },
      { summary: 'bad.com', type: 'Host', xid: '2acfcea0b2630c31bd45f642f33df1e551e7c6e2d972f2bb4094065ecd7e4176', attribute: [{ type: 'Description', value: 'ok' }] },
    ]);
    expect(report.rejects).toStrictEqual([{ source: 'm.csv:4', value: '"unclosed,x', reason: 'broken quoting, line not imported (a quote opened on this line is never closed)' }]);
    expect(report.counts).toStrictEqual({ read: 4, groups: 0, indicators: 2, associations: 0, rejected: 1, skipped: 0 });
  });

  it('the file reader streams the same records and reports bytes', async () => {
    const file = join(tmp, 'm.csv');
    writeFileSync(file, text);
    const batch = new Batch();
    const progress: Array<[number, number]> = [];
    const report = await importCsvFile(file, batch, { source: 'm.csv' }, (read, total) => progress.push([read, total]));
    expect(report.counts).toStrictEqual({ read: 4, groups: 0, indicators: 2, associations: 0, rejected: 1, skipped: 0 });
    expect(report.rejects[0]!.source).toBe('m.csv:4');
    expect(progress.at(-1)).toStrictEqual([Buffer.byteLength(text), Buffer.byteLength(text)]);
  });
});

describe('defect 8: free text and lists', () => {
  it('a registry key with spaces stays whole', () => {
    const batch = new Batch();
    importTxt('HKLM\\Software\\My App\\Run # persistence\n', batch, { source: 'r.txt' });
    expect(items(batch).indicators.map((i) => [i.type, i.summary])).toStrictEqual([['Registry Key', 'HKEY_LOCAL_MACHINE\\Software\\My App\\Run :   : REG_NONE']]);
  });

  it('prose: back-ticked values, tab columns and registry keys with spaces are found', () => {
    const batch = new Batch();
    const text = ['| Host | `bad.example.com` | C2 |', 'contacted\t185.178.209.193\tCobalt Strike', '185.178.209.194\tCobalt Strike C2', 'It writes HKCU\\Software\\Evil Corp\\Key Name\tat start.'].join('\n');
    importTxt(text, batch, { source: 'p.txt', extract: true });
    expect(items(batch).indicators.map((i) => [i.type, i.summary])).toStrictEqual([
      ['Host', 'bad.example.com'],
      ['Address', '185.178.209.194'],
      ['Registry Key', 'HKEY_CURRENT_USER\\Software\\Evil Corp\\Key Name :   : REG_NONE'],
    ]);
  });

  it('prose: a registry key ends where the sentence goes on; the values after it are still found', () => {
    const batch = new Batch();
    const text = [
      'It persisted via HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run with a value name, and beaconed to 203.0.113[.]9:443 over TLS.',
      'A debugger under HKLM\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options for sethc.exe.',
      'The key (HKLM\\Software\\Foo) and HKCU\\Run and wrote C:\\temp\\x.exe, see evil[.]com.',
    ].join('\n');
    const report = importTxt(text, batch, { source: 'p.txt', extract: true });
    expect(items(batch).indicators.map((i) => [i.type, i.summary])).toStrictEqual([
      ['Registry Key', 'HKEY_CURRENT_USER\\Software\\Microsoft\\Windows\\CurrentVersion\\Run :   : REG_NONE'],
      ['Address', '203.0.113.9'],
      ['Registry Key', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows NT\\CurrentVersion\\Image File Execution Options :   : REG_NONE'],
      ['Registry Key', 'HKEY_LOCAL_MACHINE\\Software\\Foo :   : REG_NONE'],
      ['Registry Key', 'HKEY_CURRENT_USER\\Run :   : REG_NONE'],
      ['Host', 'evil.com'],
    ]);
    expect([report.rejects, report.warnings]).toStrictEqual([[], [{ source: 'p.txt:1', value: '203.0.113.9:443', reason: 'port 443 not kept: a ThreatConnect Address has no port' }]]);
  });

  it('ip:port keeps the address and reports the port', () => {
    const batch = new Batch();
    const report = importTxt('1.2.3.4:8080\n', batch, { source: 'p.txt' });
    expect(report.warnings).toStrictEqual([{ source: 'p.txt:1', value: '1.2.3.4:8080', reason: 'port 8080 not kept: a ThreatConnect Address has no port' }]);
  });
});

describe('defect 10: JSON error positions (jsonc-parser scanner)', () => {
  it('line and column of a trailing comma', () => {
    const text = '{"indicator": [\n  {"type": "Host",\n   "summary": "a.com",}\n]}\n';
    let err: unknown;
    try {
      parseJsonText(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(JsonSyntaxError);
    expect({ ...(err as JsonSyntaxError), message: (err as Error).message }).toStrictEqual({ code: 'TCB_JSON_SYNTAX', name: 'JsonSyntaxError', line: 3, column: 23, offset: text.indexOf(',}') + 1, problem: 'a property name in double quotes expected', message: 'invalid JSON at line 3, column 23: a property name in double quotes expected' });
    const file = join(tmp, 'bad.json');
    writeFileSync(file, text);
    expect(() => readContentFile(file)).toThrow(`${file}: invalid JSON at line 3, column 23: a property name in double quotes expected`);
  });
  it('NDJSON: the line of the file', () => {
    const file = join(tmp, 'bad.ndjson');
    writeFileSync(file, '{"type":"Host","summary":"a.com"}\n{"type":"Host" "summary":"b.com"}\n');
    expect(() => readContentFile(file)).toThrow(`${file}: invalid JSON at line 2, column 16: "," expected`);
  });
  it('a file nested 20,000 levels deep is refused up front', () => {
    expect(() => parseJsonText(`${'['.repeat(20_000)}${']'.repeat(20_000)}`)).toThrow('invalid JSON at line 1, column 1: nested deeper than 256 levels');
  });
  it('the nesting limit at its edge: 256 levels (512 characters, not scanned) pass, 257 are refused', () => {
    expect(parseJsonText(`${'['.repeat(256)}${']'.repeat(256)}`)).toEqual(JSON.parse(`${'['.repeat(256)}${']'.repeat(256)}`));
    expect(parseJsonText(`${'['.repeat(256)}1${']'.repeat(256)}`)).toEqual(JSON.parse(`${'['.repeat(256)}1${']'.repeat(256)}`));
    expect(() => parseJsonText(`${'['.repeat(257)}${']'.repeat(257)}`)).toThrow('invalid JSON at line 1, column 1: nested deeper than 256 levels');
  });
});
