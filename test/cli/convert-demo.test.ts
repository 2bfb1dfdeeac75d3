// tcbatch convert and the demo: every shipped file accounted for, exact counts.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { runDemo, dataFiles } from '../../src/cli/demo.js';
import { sniffFormat } from '../../src/importers/index.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);

describe('format sniffing', () => {
  it.each([
    ['data/stix/apt1.json', 'stix'],
    ['data/misp/tweetfeed-misp-feed-event-181b5be4.json', 'misp'],
    ['data/ioc-feeds/tweetfeed-week.csv', 'csv'],
    ['data/ioc-feeds/unit42-TA551-2020-10-06-IcedID.txt', 'txt'],
    ['data/rules/yara/eset-turla-outlook.yar', 'yara'],
    ['test/fixtures/importers/rules/snort/eset-potao.rules', 'snort'],
  ])('%s is %s', (file, format) => {
    expect(sniffFormat(file, readFileSync(join(root, file), 'utf8'))).toBe(format);
  });
});

describe('tcbatch convert --from auto', () => {
  it('writes chunk files and rejects.json; every record is in one or the other', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tcbatch-convert-'));
    const files = ['data/stix/apt1.json', 'data/ioc-feeds/tweetfeed-week.csv'].map((f) => join(root, f));
    let code = 0;
    let stdout = '';
    try {
      ({ stdout } = await run(process.execPath, [join(root, 'bin/tcbatch.js'), 'convert', '--from', 'auto', '-o', out, '--json', ...files], { cwd: root }));
    } catch (e) {
      ({ code, stdout } = e as { code: number; stdout: string });
    }
    expect(code).toBe(1); // both files have rejected records
    const summary = JSON.parse(stdout) as { counts: { groups: number; indicators: number }; files: Array<{ format: string; counts: Record<string, number>; duplicates: number; rejects: Array<{ source: string }> }> };
    expect(summary.counts).toStrictEqual({ groups: 30, indicators: 1542, associations: 0 });
    expect(summary.files.map((f) => [f.format, f.counts])).toStrictEqual([
      ['stix', { read: 76, groups: 30, indicators: 10, associations: 65, rejected: 2, skipped: 8 }],
      ['csv', { read: 1574, groups: 0, indicators: 1532, associations: 0, rejected: 4, skipped: 0 }],
    ]);
    // csv: every row is an indicator, a duplicate merged into one, or a reject with its line
    const csv = summary.files[1]!;
    expect(csv.counts.indicators! + csv.duplicates + csv.counts.rejected!).toBe(1574);
    expect(csv.rejects.map((r) => r.source)).toStrictEqual(['tweetfeed-week.csv:119', 'tweetfeed-week.csv:1157', 'tweetfeed-week.csv:1231', 'tweetfeed-week.csv:1471']);
    expect(readdirSync(out).sort()).toStrictEqual(['batch-0001.json', 'rejects.json']);
    const content = JSON.parse(readFileSync(join(out, 'batch-0001.json'), 'utf8')) as { group: unknown[]; indicator: unknown[] };
    expect([content.group.length, content.indicator.length]).toStrictEqual([30, 1542]);
  }, 60_000);
});

describe('the demo', () => {
  it('imports every shipped file, completes its jobs against the emulator and reconciles, exit 0', async () => {
    let text = '';
    const out = new Writable({
      write(chunk, _enc, cb) {
        text += String(chunk);
        cb();
      },
    });
    const code = await runDemo({ target: 'emulator', data: join(root, 'data'), json: true, quiet: true }, out);
    expect(code).toBe(0);
    const summary = JSON.parse(text) as { files: Array<{ file: string; format: string }>; result: { totals: { sent: { groups: number; indicators: number }; succeeded: number; failed: number } }; checks: { completed: boolean; reconciles: boolean }; readBack: string[] };
    expect(summary.files.map((f) => f.format)).toStrictEqual(['csv', 'csv', 'txt', 'misp', 'yara', 'stix', 'stix', 'stix', 'stix', 'stix']);
    expect(summary.files).toHaveLength(dataFiles(join(root, 'data')).length);
    expect(summary.result.totals.sent).toStrictEqual({ groups: 436, indicators: 2421, associations: 0 });
    expect(summary.result.totals.succeeded).toBe(2857);
    expect(summary.checks).toStrictEqual({ completed: true, reconciles: true });
    expect(summary.readBack[0]).toMatch(/^GET \/v3\/groups\/attack-pattern--[0-9a-f-]+: 200 Attack Pattern ".+", 1 tags, \d+ associated groups$/);
  }, 60_000);
});
