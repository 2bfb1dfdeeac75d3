/**
 * The bench cases of issue 7, each side (tcbatch or its baseline) as one function that does the
 * work and reports its wall time. `bench/index.ts` runs every side in its own child process
 * (`bench/child.ts`) so peak RSS is measured per side; tests call these functions with tiny sizes.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Batch } from '../src/batch/batch.js';
import { DiskStore } from '../src/batch/disk-store.js';
import { TcClient } from '../src/client/client.js';
import { indicatorValidators } from '../generated/validators/index.js';
import { createAjv } from '../codegen/ajv.js';
import { loadSchemas } from '../codegen/load.js';
import { expandUnions } from '../codegen/bundle.js';
import { buildCli } from './stream.js';
import { CHAIN, MIXED_GROUP_TYPES, MIXED_TYPES, benchIp, floorAddresses, floorMixed, mixedValue } from './floor.js';

/** What one side of a case measured. */
export interface SideResult {
  /** Wall time of the measured work, ms. */
  ms: number;
  /** Items processed. */
  items: number;
  /** Chunks produced (build cases), or items found valid (validation). */
  out: number;
  /** Case-specific numbers (e.g. client CPU time). */
  extra?: Record<string, number>;
}

/** A side of a case: name -> work for `n` items. */
export type Side = (n: number) => SideResult | Promise<SideResult>;

const now = (): number => performance.now();

/** Drain every chunk of a batch, reading `chunk.text` (as a sender would). */
function drain(batch: Batch): number {
  let chunks = 0;
  let chars = 0;
  for (const chunk of batch.chunks()) {
    chunks++;
    chars += chunk.text.length;
  }
  return chars > 0 ? chunks : 0;
}

/** Case (a)/(e) tcbatch side: `n` Address indicators, one attribute and one tag each, into `batch`. */
function addresses(batch: Batch, n: number): number {
  for (let i = 0; i < n; i++) {
    const a = batch.address(benchIp(i));
    a.attribute('Description', `bench item ${i}`);
    a.tag('bench');
  }
  return drain(batch);
}

/** Case (b) tcbatch side: the mixed workload of {@link floorMixed}. */
function mixed(batch: Batch, n: number): number {
  let prev: ReturnType<Batch['group']> | undefined;
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) {
      const g = i / 10;
      const group = batch.group(MIXED_GROUP_TYPES[g % MIXED_GROUP_TYPES.length]!, `group-${g}`);
      group.attribute('Description', `bench item ${i}`);
      group.tag('bench');
      if (g % CHAIN !== 0 && prev) group.association(prev);
      prev = group;
    } else {
      const type = MIXED_TYPES[i % MIXED_TYPES.length]!;
      const b = batch.indicator(type, mixedValue(type, i));
      b.attribute('Description', `bench item ${i}`);
      b.tag('bench');
    }
  }
  return drain(batch);
}

/** Third-party indicator objects for the validation case (wire shape, valid). */
export function thirdPartyIndicators(n: number): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (let i = 0; i < n; i++) {
    const type = MIXED_TYPES[i % MIXED_TYPES.length]!;
    out.push({
      summary: mixedValue(type, i),
      type,
      xid: `xid-${i}`,
      rating: i % 6,
      confidence: i % 101,
      attribute: [{ type: 'Description', value: `feed item ${i}`, displayed: true }],
      tag: [{ name: 'feed' }],
      securityLabel: [{ name: 'TLP:AMBER' }],
    });
  }
  return out;
}

let ajvValidators: Record<string, (d: unknown) => boolean> | undefined;
/** In-process ajv (same options as codegen) compiling the same type schemas. */
function inProcessValidators(): Record<string, (d: unknown) => boolean> {
  if (ajvValidators) return ajvValidators;
  const set = loadSchemas(join(import.meta.dirname, '../schemas'));
  const ajv = createAjv(expandUnions(set));
  const out: Record<string, (d: unknown) => boolean> = {};
  for (const t of set.types) if (t.kind === 'indicator') out[t.type] = ajv.getSchema(t.file.id)! as (d: unknown) => boolean;
  ajvValidators = out;
  return out;
}

function validateAll(objects: ReadonlyArray<Record<string, unknown>>, validators: Record<string, ((d: unknown) => unknown) | undefined>, ok: (r: unknown) => boolean): number {
  let valid = 0;
  for (const o of objects) if (ok(validators[o.type as string]!(o))) valid++;
  return valid;
}

/** Run `work` ten times and keep the fastest (validation is short, about 30 ms: this removes warm-up and tier-up noise; three runs once gave 65 ms against 33 ms). */
function best(n: number, work: () => number): SideResult {
  let ms = Infinity;
  let out = 0;
  for (let r = 0; r < 10; r++) {
    const t = now();
    out = work();
    ms = Math.min(ms, now() - t);
  }
  return { ms, items: n, out };
}

/** Start the emulator in a child process; resolves with its URL and a stop function. */
async function emulatorChild(): Promise<{ url: string; child: ChildProcess }> {
  const child = fork(join(import.meta.dirname, 'emulator-child.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve(String((m as { url: string }).url)));
    child.once('exit', (code) => reject(new Error(`emulator child exited with ${code}`)));
  });
  return { url, child };
}

/**
 * The emulator's own busy time: the union of its jobs' [uploadedAt, completedAt] intervals (from
 * the moment it has a job's data to the job's end), in milliseconds, from its job list
 * (`GET /api/emulator/batch`).
 */
async function emulatorBusyMs(client: TcClient): Promise<number> {
  const r = await (client.api as unknown as { GET: (p: string) => Promise<{ data: unknown }> }).GET('/emulator/batch');
  const jobs = (r.data as { data: { batch: Array<{ uploadedAt: string | null; completedAt: string | null }> } }).data.batch;
  const spans = jobs
    .filter((j) => j.uploadedAt && j.completedAt)
    .map((j) => [Date.parse(j.uploadedAt!), Date.parse(j.completedAt!)] as const)
    .sort((a, b) => a[0] - b[0]);
  let busy = 0;
  let end = -Infinity;
  for (const [a, b] of spans) {
    if (b <= end) continue;
    busy += b - Math.max(a, end);
    end = b;
  }
  return busy;
}

/** The emulator child's CPU time so far, ms (its busy time). */
function emulatorCpuMs(child: ChildProcess): Promise<number> {
  return new Promise((resolve) => {
    const on = (m: unknown) => {
      if (typeof m !== 'object' || m === null || !('cpuMs' in m)) return;
      child.off('message', on);
      resolve(Number((m as { cpuMs: number }).cpuMs));
    };
    child.on('message', on);
    child.send('cpu');
  });
}

/**
 * The feed file of the end-to-end case: `n` Address indicators as NDJSON, one attribute and one
 * tag each, no xid (the importer derives it), written in blocks of 10,000 lines.
 */
export function writeFeed(path: string, n: number): void {
  const fd = openSync(path, 'w');
  try {
    for (let start = 0; start < n; start += 10_000) {
      const lines: string[] = [];
      for (let i = start; i < Math.min(n, start + 10_000); i++) {
        lines.push(JSON.stringify({ type: 'Address', summary: benchIp(i), attribute: [{ type: 'Description', value: `feed item ${i}` }], tag: [{ name: 'bench' }] }));
      }
      writeSync(fd, `${lines.join('\n')}\n`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Run `tcbatch submit <feed> --owner MyOrg --quiet` (default options otherwise) against `url`, with
 * the CLI built (`cli`, from {@link buildCli}) as an installed package runs it.
 */
function submitCli(cli: string, url: string, feed: string, rusageFile: string): Promise<{ code: number | null; stderr: string }> {
  const root = join(import.meta.dirname, '..');
  const child = spawn(process.execPath, ['--import', join(import.meta.dirname, 'rusage.mjs'), cli, 'submit', feed, '--owner', 'MyOrg', '--quiet'], {
    cwd: root,
    env: { ...process.env, TC_API_PATH: url, TC_API_ACCESS_ID: BENCH_CREDS.accessId, TC_API_SECRET_KEY: BENCH_CREDS.secretKey, TC_OWNER: '', TCBATCH_BENCH_RUSAGE: rusageFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4_000)));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

/** Credentials the emulator child accepts. */
export const BENCH_CREDS = { accessId: 'bench-id', secretKey: 'bench-secret-key-123' } as const;

/** Every side of every case, by name. */
export const SIDES: Record<string, Side> = {
  'address.floor': (n) => {
    const t = now();
    const r = floorAddresses(n);
    return { ms: now() - t, items: n, out: r.chunks };
  },
  'address.tcbatch': (n) => {
    const t = now();
    const chunks = addresses(new Batch({ owner: 'MyOrg' }), n);
    return { ms: now() - t, items: n, out: chunks };
  },
  'mixed.floor': (n) => {
    const t = now();
    const r = floorMixed(n);
    return { ms: now() - t, items: n, out: r.chunks };
  },
  'mixed.tcbatch': (n) => {
    const t = now();
    const chunks = mixed(new Batch({ owner: 'MyOrg' }), n);
    return { ms: now() - t, items: n, out: chunks };
  },
  'validate.ajv': (n) => {
    const objects = thirdPartyIndicators(n);
    const v = inProcessValidators();
    return best(n, () => validateAll(objects, v, (r) => r === true));
  },
  'validate.standalone': (n) => {
    const objects = thirdPartyIndicators(n);
    return best(n, () => validateAll(objects, indicatorValidators as Record<string, (d: unknown) => unknown>, (r) => (r as { valid: boolean }).valid));
  },
  'disk.tcbatch': (n) => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-bench-'));
    try {
      const t = now();
      const batch = new Batch({ owner: 'MyOrg', store: new DiskStore({ dir }) });
      const chunks = addresses(batch, n);
      batch.close();
      return { ms: now() - t, items: n, out: chunks };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
  'e2e.tcbatch': async (n) => {
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-e2e-'));
    const feed = join(dir, 'feed.ndjson');
    const rusage = join(dir, 'rusage.json');
    writeFeed(feed, n);
    const cli = buildCli();
    const { url, child } = await emulatorChild();
    try {
      const before = await emulatorCpuMs(child);
      const t = now();
      const run = await submitCli(cli, url, feed, rusage);
      const ms = now() - t;
      const emulatorBusyMs = (await emulatorCpuMs(child)) - before;
      if (run.code !== 0) throw new Error(`tcbatch submit exited with ${run.code}: ${run.stderr}`);
      const client = JSON.parse(readFileSync(rusage, 'utf8')) as { cpuMs: number; maxRSSKiB: number };
      return { ms, items: n, out: 1, extra: { clientCpuMs: client.cpuMs, clientCpuShare: client.cpuMs / ms, emulatorBusyMs, emulatorShare: emulatorBusyMs / ms, clientMaxRSSMB: client.maxRSSKiB / 1024 } };
    } finally {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    }
  },
  'submit.tcbatch': async (n) => {
    // default options, as a user runs it: pipelined jobs, the default poll schedule
    const { url, child } = await emulatorChild();
    try {
      const t = now();
      const cpu = process.cpuUsage();
      const client = new TcClient({ apiPath: url, ...BENCH_CREDS, owner: 'MyOrg', env: {} });
      const batch = new Batch({ owner: 'MyOrg', client });
      for (let i = 0; i < n; i++) batch.host(`h${i}.example.com`).tag('bench');
      const buildMs = now() - t;
      const s0 = now();
      const result = await batch.submit();
      const submitMs = now() - s0;
      const used = process.cpuUsage(cpu);
      const ms = now() - t;
      const clientCpuMs = (used.user + used.system) / 1000;
      if (result.totals.succeeded !== n) throw new Error(`submit bench: ${result.totals.succeeded} of ${n} succeeded`);
      return { ms, items: n, out: result.jobs.length, extra: { buildMs, submitMs, clientCpuMs, clientCpuShare: clientCpuMs / ms, emulatorBusyMs: await emulatorBusyMs(client) } };
    } finally {
      child.kill();
    }
  },
};
