// `tcbatch submit` as a process against an emulator: --journal survives a SIGKILL (the second run
// sends no chunk twice), SIGINT writes the summary and --report and exits 130, and the exit codes
// 0 / 1 / 3 of the help text.
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { CREDS, OWNER, rig, serverIndicators, serverJobs, uploads } from '../submit/harness.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'tcbatch-cli-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 30 Address indicators with one attribute each, as NDJSON. */
function feedFile(name: string, extra: string[] = []): string {
  const lines = Array.from({ length: 30 }, (_, i) => JSON.stringify({ type: 'Address', summary: `10.5.0.${i}`, xid: `c-${i}`, attribute: [{ type: 'Description', value: `seen ${i}` }] }));
  const path = join(dir, name);
  writeFileSync(path, `${[...lines, ...extra].join('\n')}\n`);
  return path;
}

const env = (apiPath: string, secret = CREDS.secretKey) => ({ ...process.env, TC_API_PATH: apiPath, TC_API_ACCESS_ID: CREDS.accessId, TC_API_SECRET_KEY: secret, TC_OWNER: OWNER });
const args = (file: string, journal: string, more: string[] = []) => [join(root, 'bin/tcbatch.js'), 'submit', file, '--journal', journal, '--max-items', '10', '--attribute-write-type', 'Append', '--concurrency', '1', ...more];

async function tcbatch(argv: string[], e: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, argv, { cwd: root, env: e });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (x) {
    const err = x as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** Start the CLI, send `signal` when a stderr line matches, and wait for its exit. */
async function signalAt(argv: string[], e: NodeJS.ProcessEnv, at: RegExp, signal: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const child = spawn(process.execPath, argv, { cwd: root, env: e, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, sig) => r({ code, signal: sig })));
  for await (const line of createInterface({ input: child.stderr! })) {
    if (at.test(line)) {
      child.kill(signal);
      break;
    }
  }
  return { ...(await exited), stdout };
}

describe('tcbatch submit --journal', () => {
  it('SIGKILLed after its first Completed job, then run again: every item once, one job with data per chunk', async () => {
    const r = await rig([], { timing: { pollsPerState: 1 } });
    try {
      const file = feedFile('kill.ndjson');
      const journal = join(dir, 'kill.jsonl');
      const killed = await signalAt(args(file, journal), env(r.proxy.url), /^chunk 1: Completed/, 'SIGKILL');
      expect(killed.signal).toBe('SIGKILL');
      const again = await tcbatch(args(file, journal, ['--json']), env(r.proxy.url));
      expect(again.code).toBe(0);
      const out = JSON.parse(again.stdout) as { resumed: number; totals: { indicators: Record<string, number> } };
      expect(out.resumed).toBeGreaterThanOrEqual(1);
      expect(out.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 30, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
      const up = uploads(r.proxy);
      expect(new Set(up).size).toBe(up.length);
      const jobs = (await serverJobs(r.direct)).filter((j) => j.status !== 'Created');
      expect(jobs.map((j) => j.successCount)).toStrictEqual([10, 10, 10]);
      const stored = await serverIndicators(r.direct);
      expect(stored.size).toBe(30);
      for (let i = 0; i < 30; i++) expect(stored.get(`10.5.0.${i}`)).toStrictEqual([`seen ${i}`]);
    } finally {
      await r.close();
    }
  }, 60_000);

  it('SIGINT: no new chunk, the summary and --report are written, exit 130', async () => {
    const r = await rig([], { timing: { pollsPerState: 1_000_000 } });
    try {
      const file = feedFile('int.ndjson');
      const journal = join(dir, 'int.jsonl');
      const report = join(dir, 'int-report.json');
      const stopped = await signalAt(args(file, journal, ['--report', report]), env(r.proxy.url), /^chunk 1: sent/, 'SIGINT');
      expect(stopped.code).toBe(130);
      expect(stopped.stdout).toContain('halted: stopped: SIGINT');
      const written = JSON.parse(readFileSync(report, 'utf8')) as { halted: boolean; totals: { indicators: Record<string, number> }; jobs: Array<{ state: string; batchId: number }> };
      expect(written.halted).toBe(true);
      expect(written.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 0, failed: 0, unprocessed: 0, notSent: 20, unknown: 10 });
      expect(uploads(r.proxy)).toStrictEqual([written.jobs[0]!.batchId]);
    } finally {
      await r.close();
    }
  }, 60_000);
});

describe('tcbatch submit exit codes', () => {
  it('0 all succeeded, 1 a record rejected, 3 wrong credentials (nothing sent)', async () => {
    const r = await rig();
    try {
      const ok = await tcbatch([join(root, 'bin/tcbatch.js'), 'submit', feedFile('ok.ndjson'), '--quiet'], env(r.emu.url));
      expect(ok.code).toBe(0);
      const bad = await tcbatch([join(root, 'bin/tcbatch.js'), 'submit', feedFile('bad.ndjson', ['{"type":"Address","summary":"999.1.1.1"}']), '--quiet'], env(r.emu.url));
      expect(bad.code).toBe(1);
      expect(bad.stdout).toMatch(/^indicators +31 +1 +30 /m);
      const report = join(dir, 'denied-report.json');
      const denied = await tcbatch([join(root, 'bin/tcbatch.js'), 'submit', feedFile('denied.ndjson'), '--quiet', '--json', '--report', report], env(r.emu.url, 'wrong-secret'));
      expect(denied.code).toBe(3);
      expect(JSON.parse(denied.stdout)).toMatchObject({ error: { code: 'TCB_API_ERROR', status: 401 }, sent: 0, rejects: [] });
      expect(JSON.parse(readFileSync(report, 'utf8'))).toStrictEqual(JSON.parse(denied.stdout));
      expect(denied.stderr).toContain('could not start, nothing was sent');
      expect(denied.stderr).not.toContain('wrong-secret');
    } finally {
      await r.close();
    }
  }, 60_000);
});
