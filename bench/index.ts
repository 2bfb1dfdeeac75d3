/**
 * `npm run bench [-- --quick] [-- --json]`: the benchmarks of issues 7 and 14. Every side of every case
 * runs in its own child process (`bench/child.ts`), baseline and tcbatch back to back in the same
 * run, so the ratio (tcbatch time / baseline time) cancels out a noisy shared machine; peak RSS is
 * each child's own `maxRSS`. `--quick` runs everything 10x smaller (the 10M disk case as 1M).
 * The full run ends with the streaming import case of `bench/stream.ts` (CLI children on
 * generated 50 MB and 200 MB files; `--no-stream` leaves it out); `--case stream` runs only that case.
 */
import { execFileSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import type { SideResult } from './cases.js';
import { formatStream, judgeStream, streamBench } from './stream.js';

/** One child's answer. */
export interface ChildResult extends SideResult {
  maxRSSKiB: number;
}

/** One row of the report. */
export interface CaseReport {
  case: string;
  n: number;
  tcbatch: ChildResult;
  baseline?: ChildResult;
  /** tcbatch time / baseline time. */
  ratio?: number;
  /** tcbatch items per second. */
  itemsPerSecond: number;
}

/** A target of the issue with its measured value. */
export interface TargetReport {
  target: string;
  measured: string;
  met: boolean;
}

/** Run one side in a child process (`node --import tsx bench/child.ts side n`). */
export function runChild(side: string, n: number, nodeArgs: readonly string[] = []): ChildResult {
  const out = execFileSync(process.execPath, [...nodeArgs, '--import', 'tsx', join(import.meta.dirname, 'child.ts'), side, String(n)], {
    encoding: 'utf8',
    cwd: join(import.meta.dirname, '..'),
    maxBuffer: 1 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return JSON.parse(out.trim().split('\n').pop()!) as ChildResult;
}

/**
 * Run tcbatch and (when given) its baseline for `n` items and build the report row. With
 * `processes` > 1 each side runs in that many child processes, baseline and tcbatch alternating,
 * and the fastest of each is kept: for short cases whose time depends on the process (the same
 * validation loop took 33 ms in one process and 53 to 65 ms in another).
 */
export function runCase(name: string, n: number, tcbatch: string, baseline?: string, run: typeof runChild = runChild, nodeArgs: readonly string[] = [], processes = 1): CaseReport {
  let base: ChildResult | undefined;
  let tc: ChildResult | undefined;
  const faster = (a: ChildResult | undefined, b: ChildResult) => (a === undefined || b.ms < a.ms ? b : a);
  for (let p = 0; p < processes; p++) {
    if (baseline) base = faster(base, run(baseline, n));
    tc = faster(tc, run(tcbatch, n, nodeArgs));
  }
  if (tc === undefined) throw new Error('runCase: processes must be at least 1');
  return { case: name, n, tcbatch: tc, baseline: base, ratio: base ? tc.ms / base.ms : undefined, itemsPerSecond: (n / tc.ms) * 1000 };
}

/** The targets of issues 7 and 14, judged on the rows of a run. */
export function judge(rows: readonly CaseReport[], quick: boolean): TargetReport[] {
  const find = (c: string, n?: number) => rows.find((r) => r.case === c && (n === undefined || r.n === n));
  const out: TargetReport[] = [];
  const big = quick ? 100_000 : 1_000_000;
  const n = big.toLocaleString('en');
  const mb = (r: ChildResult) => r.maxRSSKiB / 1024;
  const a = find('address', big);
  if (a) {
    out.push({ target: `${n} Address: within 1.25x of the floor`, measured: `${a.ratio!.toFixed(2)}x (${(a.tcbatch.ms / 1000).toFixed(2)} s vs ${(a.baseline!.ms / 1000).toFixed(2)} s)`, met: a.ratio! <= 1.25 });
    out.push({ target: `${n} Address: peak RSS <= 400 MB (memory store)`, measured: `${mb(a.tcbatch).toFixed(0)} MB (floor ${mb(a.baseline!).toFixed(0)} MB)`, met: mb(a.tcbatch) <= 400 });
  }
  const half = find('address-half', big / 2);
  if (a && half) {
    const f = a.tcbatch.ms / half.tcbatch.ms;
    out.push({ target: 'doubling N at most 2.2x the time', measured: `${f.toFixed(2)}x (${(big / 2).toLocaleString('en')} -> ${n})`, met: f <= 2.2 });
  }
  const m = find('mixed', big);
  if (m) out.push({ target: `${n} mixed: within 1.5x of the floor`, measured: `${m.ratio!.toFixed(2)}x (${(m.tcbatch.ms / 1000).toFixed(2)} s vs ${(m.baseline!.ms / 1000).toFixed(2)} s)`, met: m.ratio! <= 1.5 });
  const d = rows.find((r) => r.case === 'disk');
  if (d) {
    out.push({ target: `${d.n.toLocaleString('en')} Address, disk store: peak RSS <= 256 MB`, measured: `${mb(d.tcbatch).toFixed(0)} MB`, met: mb(d.tcbatch) <= 256 });
    out.push({ target: `${d.n.toLocaleString('en')} Address, disk store: within 3x of the floor`, measured: `${d.ratio!.toFixed(2)}x (${(d.tcbatch.ms / 1000).toFixed(1)} s)`, met: d.ratio! <= 3 });
  }
  const v = find('validate');
  const sub = rows.find((r) => r.case === 'submit');
  if (sub && !quick) {
    const busy = Number(sub.tcbatch.extra?.emulatorBusyMs ?? 0);
    const submitMs = Number(sub.tcbatch.extra?.submitMs ?? sub.tcbatch.ms);
    out.push({ target: `submit ${sub.n.toLocaleString('en')} indicators, default options: <= 10 s wall`, measured: `${(sub.tcbatch.ms / 1000).toFixed(1)} s (building ${(Number(sub.tcbatch.extra?.buildMs ?? 0) / 1000).toFixed(1)} s, submit() ${(submitMs / 1000).toFixed(1)} s)`, met: sub.tcbatch.ms <= 10_000 });
    out.push({ target: 'submit(): wall <= 1.5x the emulator busy time', measured: `${(submitMs / Math.max(1, busy)).toFixed(2)}x (emulator busy ${(busy / 1000).toFixed(1)} s)`, met: submitMs <= 1.5 * busy });
  }
  if (v) out.push({ target: 'emitted validators within 1.2x of in-process ajv', measured: `${v.ratio!.toFixed(2)}x`, met: v.ratio! <= 1.2 });
  const e = find('e2e');
  if (e?.tcbatch.extra) {
    const x = e.tcbatch.extra;
    out.push({
      target: `${e.n.toLocaleString('en')}-indicator feed through tcbatch submit: client CPU <= 25% of wall`,
      measured: `${((x.clientCpuShare ?? 0) * 100).toFixed(1)}% (wall ${(e.tcbatch.ms / 1000).toFixed(1)} s, client CPU ${((x.clientCpuMs ?? 0) / 1000).toFixed(1)} s, emulator busy ${((x.emulatorBusyMs ?? 0) / 1000).toFixed(1)} s)`,
      met: (x.clientCpuShare ?? 1) <= 0.25,
    });
  }
  return out;
}

/** Plain-text table of a run. */
export function formatReport(rows: readonly CaseReport[], targets: readonly TargetReport[]): string {
  const lines = ['case            n           tcbatch ms   baseline ms   ratio   items/s      RSS tcbatch / baseline (MB)'];
  for (const r of rows) {
    lines.push(
      [
        r.case.padEnd(15),
        r.n.toLocaleString('en').padEnd(11),
        r.tcbatch.ms.toFixed(0).padStart(10),
        (r.baseline ? r.baseline.ms.toFixed(0) : '-').padStart(13),
        (r.ratio !== undefined ? r.ratio.toFixed(2) : '-').padStart(7),
        Math.round(r.itemsPerSecond).toLocaleString('en').padStart(12),
        `   ${(r.tcbatch.maxRSSKiB / 1024).toFixed(0)} / ${r.baseline ? (r.baseline.maxRSSKiB / 1024).toFixed(0) : '-'}`,
      ].join(' ') + (r.tcbatch.extra ? `  ${Object.entries(r.tcbatch.extra).map(([k, v]) => `${k}=${v < 10 ? v.toFixed(3) : v.toFixed(0)}`).join(' ')}` : ''),
    );
  }
  lines.push('', 'targets:');
  for (const t of targets) lines.push(`  [${t.met ? 'met' : 'NOT met'}] ${t.target}: ${t.measured}`);
  return lines.join('\n');
}

/** The machine line of a report. */
export function machine(): string {
  return `nproc ${cpus().length}, ${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}`;
}

/**
 * The whole bench. `scale` multiplies every size (1 full, 0.1 `--quick`).
 * @param run how a side is run (tests pass an in-process runner)
 */
export function bench(scale: number, run: typeof runChild = runChild, log: (line: string) => void = () => {}): CaseReport[] {
  const s = (n: number) => Math.max(10, Math.round(n * scale));
  const rows: CaseReport[] = [];
  const step = (r: CaseReport) => {
    rows.push(r);
    log(`${r.case} n=${r.n}: ${r.tcbatch.ms.toFixed(0)} ms${r.ratio !== undefined ? `, ratio ${r.ratio.toFixed(2)}` : ''}, RSS ${(r.tcbatch.maxRSSKiB / 1024).toFixed(0)} MB`);
  };
  step(runCase('address', s(100_000), 'address.tcbatch', 'address.floor', run));
  step({ ...runCase('address-half', s(500_000), 'address.tcbatch', 'address.floor', run) });
  step(runCase('address', s(1_000_000), 'address.tcbatch', 'address.floor', run));
  step(runCase('mixed', s(100_000), 'mixed.tcbatch', 'mixed.floor', run));
  step(runCase('mixed', s(1_000_000), 'mixed.tcbatch', 'mixed.floor', run));
  step(runCase('validate', s(100_000), 'validate.standalone', 'validate.ajv', run, [], 5));
  step(runCase('submit', s(30_001), 'submit.tcbatch', undefined, run));
  // end to end: a feed file through the CLI (`tcbatch submit`, default options) into the emulator child
  step(runCase('e2e', s(1_000_000), 'e2e.tcbatch', undefined, run));
  // the disk case: 10M in a full run, 1M with --quick; V8's old space capped so that RSS shows the
  // store's bounded live memory rather than V8's lazy collection of garbage
  step(runCase('disk', scale >= 1 ? 10_000_000 : s(10_000_000), 'disk.tcbatch', 'address.floor', run, ['--max-old-space-size=96']));
  return rows;
}

/** The value of `--name=value` or `--name value` in argv. */
function flag(name: string): string | undefined {
  const i = process.argv.findIndex((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  if (i < 0) return undefined;
  const a = process.argv[i]!;
  return a.includes('=') ? a.slice(a.indexOf('=') + 1) : process.argv[i + 1];
}

if (import.meta.url === `file://${process.argv[1]}` && flag('case') === 'stream') {
  // `npm run bench -- --case stream [--sizes=50,200] [--tsx] [--json]`
  const sizes = (flag('sizes') ?? '50,200').split(',').map(Number);
  const json = process.argv.includes('--json');
  const rows = await streamBench(sizes, { tsx: process.argv.includes('--tsx'), log: (l) => process.stderr.write(`${l}\n`) });
  if (json) process.stdout.write(`${JSON.stringify({ date: new Date().toISOString(), machine: machine(), rows, targets: judgeStream(rows) }, null, 2)}\n`);
  else process.stdout.write(`${new Date().toISOString()} ${machine()}\n${formatStream(rows)}\n`);
} else if (import.meta.url === `file://${process.argv[1]}`) {
  const quick = process.argv.includes('--quick');
  const json = process.argv.includes('--json');
  const scaleArg = process.argv.find((a) => a.startsWith('--scale='));
  const scale = scaleArg ? Number(scaleArg.slice(8)) : quick ? 0.1 : 1;
  const log = json ? () => {} : (l: string) => process.stderr.write(`${l}\n`);
  const date = new Date().toISOString();
  const rows = bench(scale, runChild, log);
  const targets = judge(rows, scale < 1);
  // the streaming imports close the full run: 50 and 200 MB inputs (5 and 20 MB with --quick)
  const sizes = scale >= 1 ? [50, 200] : [5, 20];
  const streamRows = process.argv.includes('--no-stream') ? [] : await streamBench(sizes, { log });
  const stream = { rows: streamRows, targets: judgeStream(streamRows) };
  if (json) process.stdout.write(`${JSON.stringify({ date, machine: machine(), scale, rows, targets, stream }, null, 2)}\n`);
  else process.stdout.write(`${date} ${machine()} scale ${scale}\n${formatReport(rows, targets)}\n${streamRows.length > 0 ? `\n${formatStream(streamRows)}\n` : ''}`);
}
