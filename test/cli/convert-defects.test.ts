// Issue 12 defects 2, 6 and 11 and the acceptance rule: `convert --from auto` never exits 0 with
// nothing for a non-empty file; the docs File example the same in validate, convert and submit;
// `| head -1` ends quietly.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FORMATS } from '../../src/importers/index.js';

const USE = FORMATS.join('|');

const root = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'tcbatch-convert-defects-'));

function tcbatch(args: string[], options: { closeStdoutAfterFirstLine?: boolean } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(root, 'bin/tcbatch.js'), ...args], { cwd: tmp });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (options.closeStdoutAfterFirstLine && stdout.includes('\n')) child.stdout.destroy();
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

describe('defect 2: unsupported formats exit 2', () => {
  it('prose without indicators', async () => {
    writeFileSync(join(tmp, 'notes.txt'), 'hello world\nthis is prose\n');
    const r = await tcbatch(['convert', 'notes.txt', '-o', 'out-notes']);
    expect([r.code, r.stdout, r.stderr]).toStrictEqual([2, '', `tcbatch: notes.txt: unsupported format: text with no indicator values in it (not a list, and no indicators in the prose); use --from ${USE}\n`]);
  });

  it('JSON of no known shape', async () => {
    writeFileSync(join(tmp, 'x.json'), '{"hello": "world"}');
    const r = await tcbatch(['convert', 'x.json', '-o', 'out-x']);
    expect([r.code, r.stderr]).toStrictEqual([2, `tcbatch: x.json: unsupported format: JSON that is neither a STIX bundle, a MISP event, a CISA KEV catalogue nor batch content; use --from ${USE}\n`]);
  });

  it('an .eml (or --from eml) that does not start with a header field is no message: exit 2, no empty Email', async () => {
    writeFileSync(join(tmp, 'note.eml'), 'hello there\n');
    writeFileSync(join(tmp, 'asn.csv'), 'ASN,Entity\n51447,x\n');
    const [a, b] = await Promise.all([tcbatch(['convert', 'note.eml', '-o', 'out-eml']), tcbatch(['convert', '--from', 'eml', 'asn.csv', '-o', 'out-eml2'])]);
    const why = 'unsupported format: not an e-mail message: no header field (From:, Subject:, ...) on its first line';
    expect([a.code, a.stdout, a.stderr, b.code, b.stderr]).toStrictEqual([2, '', `tcbatch: note.eml: ${why}; use --from ${USE}\n`, 2, `tcbatch: asn.csv: ${why}; use --from ${USE}\n`]);
  });

  it('a file whose records are all skipped makes nothing: exit 2', async () => {
    writeFileSync(join(tmp, 'ids.json'), '{"type":"bundle","id":"bundle--1","objects":[{"type":"identity","id":"identity--1","name":"x"}]}');
    const r = await tcbatch(['convert', 'ids.json', '-o', 'out-ids']);
    expect([r.code, r.stderr]).toStrictEqual([2, `tcbatch: ids.json: unsupported format: 1 records skipped (identity is not a ThreatConnect item), nothing to import; use --from ${USE}\n`]);
  });
});

describe('defect 6: the docs File example (hash keys, no summary, no xid)', () => {
  it('is valid, and convert --from batch and submit --dry-run write it with the deterministic xid of its hashes', async () => {
    const file = { md5: 'd41d8cd98f00b204e9800998ecf8427e', sha1: 'da39a3ee5e6b4b0d3255bfef95601890afd80709', sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', type: 'File' };
    writeFileSync(join(tmp, 'docs-file.json'), JSON.stringify({ indicator: [file] }));
    const [v, c, s] = await Promise.all([
      tcbatch(['validate', 'docs-file.json']),
      tcbatch(['convert', '--from', 'batch', 'docs-file.json', '-o', 'out-docs-c']),
      tcbatch(['submit', '--dry-run', '--out', 'out-docs-s', 'docs-file.json']),
    ]);
    expect([v.code, v.stdout, c.code, c.stderr, s.code, s.stderr]).toStrictEqual([0, 'docs-file.json: 1 items, valid\n', 0, '', 0, '']);
    // sha256("File-<md5> : <sha1> : <sha256>")
    const want = { group: [], indicator: [{ ...file, xid: '232d70ae39cf826c704040729194a8e006f85d8b9edb6b4dfdcb67ddaaf3022b' }], association: [] };
    expect([JSON.parse(readFileSync(join(tmp, 'out-docs-c/batch-0001.json'), 'utf8')), JSON.parse(readFileSync(join(tmp, 'out-docs-s/batch-0001.json'), 'utf8'))]).toStrictEqual([want, want]);
  });
});

describe('defect 11: convert | head -1', () => {
  it('ends quietly when stdout closes', async () => {
    writeFileSync(join(tmp, 'two.txt'), 'evil.com\n1.2.3.4\n');
    const r = await tcbatch(['convert', 'two.txt', 'two.txt', '-o', 'out-two'], { closeStdoutAfterFirstLine: true });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('validate, submit --dry-run and --help end quietly too, with their own exit codes', async () => {
    // 20,000 issue lines: far more than the pipe buffer, so the writes after the close fail
    const bad = Array.from({ length: 20_000 }, (_, i) => JSON.stringify({ type: 'Host', summary: `bad_host${i}.com`, xid: `h${i}` })).join('\n');
    writeFileSync(join(tmp, 'bad.ndjson'), `${bad}\n`);
    const runs = await Promise.all([
      tcbatch(['validate', 'bad.ndjson'], { closeStdoutAfterFirstLine: true }),
      tcbatch(['submit', '--dry-run', '--quiet', '--out', 'out-bad', 'bad.ndjson'], { closeStdoutAfterFirstLine: true }),
      tcbatch(['convert', '--help'], { closeStdoutAfterFirstLine: true }),
      tcbatch(['--help'], { closeStdoutAfterFirstLine: true }),
    ]);
    // stderr holds nothing but the import progress lines of a non-TTY (the file is over 1 MiB): no EPIPE
    const quiet = (stderr: string) => stderr.replace(/^import bad\.ndjson: (pass \d of \d: .*|done: .*)\n/gm, '');
    expect(runs.map((r) => [r.code, quiet(r.stderr), r.stdout.split('\n')[0]])).toStrictEqual([
      [1, '', 'bad.ndjson: 20000 items, 20000 issues'],
      [1, '', '0 chunk files in out-bad: 0 groups, 0 indicators, 0 associations; 20000 rejected, 0 duplicates'],
      [0, '', 'Usage: tcbatch convert [options] <files...>'],
      [0, '', 'Usage: tcbatch [options] [command]'],
    ]);
  });
});
