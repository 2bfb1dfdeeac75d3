/**
 * `npm run bench -- --case stream [--sizes=50,200] [--tsx]`: the streaming imports of issue 14.
 * Generates a CSV IOC list, an NDJSON batch content file and a STIX 2.1 bundle of each size (MB)
 * into a temporary directory, runs `tcbatch convert` on each and `tcbatch submit --dry-run` on the
 * NDJSON file as child processes, and records each child's peak RSS (its own
 * `process.resourceUsage().maxRSS`, written at exit by `bench/rusage.mjs`) and wall time. The CLI
 * runs compiled (built into `.tmp/bench-dist`, as an installed package runs it), or through the tsx
 * loader with `--tsx`. Target: peak RSS <= 300 MB for every input, whatever its size.
 */
import { spawn, execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');

/** An IPv4 address for item `i` (distinct for i < 2^31). */
const ip = (i: number): string => `${10 + ((i >>> 24) & 0x7f)}.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
const uuid = (i: number, t: number): string => `${t.toString(16).padStart(8, '0')}-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

/** Write blocks of lines from `next(i)` until the file has at least `bytes` bytes; returns the records written. */
function writeUntil(path: string, bytes: number, head: string, next: (i: number) => string, tail = ''): number {
  const fd = openSync(path, 'w');
  let size = 0;
  let i = 0;
  try {
    if (head) size += writeSync(fd, head);
    while (size < bytes) {
      const block: string[] = [];
      for (let k = 0; k < 5_000; k++) block.push(next(i++));
      size += writeSync(fd, block.join(''));
    }
    if (tail) writeSync(fd, tail);
  } finally {
    closeSync(fd);
  }
  return i;
}

/** A CSV IOC list with a header: an IP, a quoted description with a comma, tags. */
export function writeCsv(path: string, bytes: number): number {
  return writeUntil(path, bytes, 'ip,description,tags\n', (i) => `${ip(i)},"feed item ${i}, seen",#bench #feed\n`);
}

/** NDJSON batch content: Address indicators with an attribute and a tag, no xid (the importer derives it). */
export function writeNdjson(path: string, bytes: number): number {
  return writeUntil(path, bytes, '', (i) => `${JSON.stringify({ type: 'Address', summary: ip(i), attribute: [{ type: 'Description', value: `feed item ${i}` }], tag: [{ name: 'bench' }] })}\n`);
}

/**
 * A STIX 2.1 bundle: per item an indicator (an IPv4 pattern, TLP:AMBER) and a relationship
 * `indicates` to one of the malware families (one each 100 items).
 */
export function writeStix(path: string, bytes: number): number {
  const objects = (i: number): string => {
    const out: unknown[] = [];
    const ind = `indicator--${uuid(i, 1)}`;
    if (i % 100 === 0) out.push({ type: 'malware', spec_version: '2.1', id: `malware--${uuid(i, 2)}`, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-02T00:00:00.000Z', name: `Malware family ${i / 100}`, description: `Family ${i / 100} seen in the feed`, is_family: true });
    out.push({ type: 'indicator', spec_version: '2.1', id: ind, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-02T00:00:00.000Z', name: `Feed item ${i}`, pattern: `[ipv4-addr:value = '${ip(i)}']`, pattern_type: 'stix', valid_from: '2024-01-01T00:00:00Z', object_marking_refs: ['marking-definition--f88d31f6-486f-44da-b317-01333bde0b82'] });
    out.push({ type: 'relationship', spec_version: '2.1', id: `relationship--${uuid(i, 3)}`, created: '2024-01-01T00:00:00.000Z', modified: '2024-01-01T00:00:00.000Z', relationship_type: 'indicates', source_ref: ind, target_ref: `malware--${uuid(i - (i % 100), 2)}` });
    return `${i === 0 ? '' : ',\n'}${out.map((o) => JSON.stringify(o)).join(',\n')}`;
  };
  return writeUntil(path, bytes, `{"type":"bundle","id":"bundle--${uuid(0, 0)}","objects":[\n`, objects, '\n]}\n');
}

/** One run of the CLI. */
export interface StreamRow {
  input: 'csv' | 'ndjson' | 'stix';
  command: 'convert' | 'submit --dry-run';
  /** Input size, MB (2^20 bytes). */
  mb: number;
  /** Input records (CSV lines, NDJSON lines, STIX items). */
  records: number;
  wallMs: number;
  maxRSSMB: number;
  cpuMs: number;
  exitCode: number | null;
  /** The CLI's last stdout line (its summary). */
  summary: string;
}

/** Build the CLI into `.tmp/bench-dist` and return its entry point. */
export function buildCli(): string {
  const out = join(root, '.tmp/bench-dist');
  execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', out], { cwd: root, stdio: 'inherit' });
  return join(out, 'src/cli/index.js');
}

function runCli(entry: string[], args: string[], rusage: string): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const t = performance.now();
  const child = spawn(process.execPath, ['--import', join(import.meta.dirname, 'rusage.mjs'), ...entry, ...args], { cwd: root, env: { ...process.env, TCBATCH_BENCH_RUSAGE: rusage }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout = (stdout + d.toString()).slice(-8_000)));
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-8_000)));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr, ms: performance.now() - t })));
}

/**
 * Generate the inputs of each size and run the CLI on them.
 * @param sizesMB input sizes in MB
 * @param log progress of the bench (one line a run)
 */
export async function streamBench(sizesMB: readonly number[], options: { tsx?: boolean; log?: (line: string) => void } = {}): Promise<StreamRow[]> {
  const entry = options.tsx ? [join(root, 'bin/tcbatch.js')] : [buildCli()];
  const dir = mkdtempSync(join(tmpdir(), 'tcbatch-bench-stream-'));
  const rows: StreamRow[] = [];
  try {
    for (const mb of sizesMB) {
      const bytes = mb * 1_048_576;
      const inputs = [
        { input: 'csv' as const, path: join(dir, `feed-${mb}.csv`), write: writeCsv },
        { input: 'ndjson' as const, path: join(dir, `content-${mb}.ndjson`), write: writeNdjson },
        { input: 'stix' as const, path: join(dir, `bundle-${mb}.json`), write: writeStix },
      ];
      for (const { input, path, write } of inputs) {
        const records = write(path, bytes);
        const commands: Array<StreamRow['command']> = input === 'ndjson' ? ['convert', 'submit --dry-run'] : ['convert'];
        for (const command of commands) {
          const out = join(dir, 'out');
          const rusage = join(dir, 'rusage.json');
          const args = command === 'convert' ? ['convert', path, '-o', out, '--quiet'] : ['submit', path, '--dry-run', '--out', out, '--owner', 'MyOrg', '--quiet'];
          const run = await runCli(entry, args, rusage);
          const usage = JSON.parse(readFileSync(rusage, 'utf8')) as { cpuMs: number; maxRSSKiB: number };
          const row: StreamRow = { input, command, mb: statSync(path).size / 1_048_576, records, wallMs: run.ms, maxRSSMB: usage.maxRSSKiB / 1024, cpuMs: usage.cpuMs, exitCode: run.code, summary: run.stdout.trim().split('\n').pop() ?? '' };
          if (run.code !== 0) row.summary = `${row.summary} ${run.stderr.trim().split('\n').slice(-3).join(' ')}`;
          rows.push(row);
          options.log?.(`${command} ${input} ${row.mb.toFixed(0)} MB: ${(row.wallMs / 1000).toFixed(1)} s, peak RSS ${row.maxRSSMB.toFixed(0)} MB, exit ${row.exitCode}`);
          rmSync(out, { recursive: true, force: true });
        }
        rmSync(path, { force: true });
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

/** The issue's target on the rows: every run <= 300 MB and exit 0; and RSS at the largest size against the smallest. */
export function judgeStream(rows: readonly StreamRow[]): Array<{ target: string; measured: string; met: boolean }> {
  const out: Array<{ target: string; measured: string; met: boolean }> = [];
  const keys = [...new Set(rows.map((r) => `${r.command} ${r.input}`))];
  for (const key of keys) {
    const runs = rows.filter((r) => `${r.command} ${r.input}` === key).sort((a, b) => a.mb - b.mb);
    const measured = runs.map((r) => `${r.mb.toFixed(0)} MB: ${r.maxRSSMB.toFixed(0)} MB RSS in ${(r.wallMs / 1000).toFixed(1)} s`).join('; ');
    out.push({ target: `tcbatch ${key}: peak RSS <= 300 MB at every size, exit 0`, measured, met: runs.every((r) => r.maxRSSMB <= 300 && r.exitCode === 0) });
  }
  return out;
}

/** Plain-text table of the rows and targets. */
export function formatStream(rows: readonly StreamRow[]): string {
  const lines = ['command            input    MB     records      wall s   CPU s   peak RSS MB  exit'];
  for (const r of rows) {
    lines.push(
      [r.command.padEnd(18), r.input.padEnd(7), r.mb.toFixed(0).padStart(4), r.records.toLocaleString('en').padStart(12), (r.wallMs / 1000).toFixed(1).padStart(10), (r.cpuMs / 1000).toFixed(1).padStart(7), r.maxRSSMB.toFixed(0).padStart(12), String(r.exitCode).padStart(5)].join(' '),
    );
  }
  lines.push('', 'targets:');
  for (const t of judgeStream(rows)) lines.push(`  [${t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.measured}`);
  return lines.join('\n');
}
