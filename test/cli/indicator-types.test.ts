/**
 * `--indicator-types FILE` of `tcbatch validate`, `convert` and `submit`, the CLI as a process: the
 * custom types of an instance's indicatorTypes answer are accepted (and refused without the
 * option, with a rule that names every accepted type); submitted to an emulator that serves those
 * types, the server holds them.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { loadIndicatorTypes } from '../../src/batch/load-types.js';
import { ACCESS_ID, SECRET_KEY, call as signedCall } from '../emulator/signer.js';

const root = resolve(import.meta.dirname, '../..');
const FIXTURE = join(root, 'test', 'fixtures', 'indicator-types.json');
const ACCOUNT = '12345678 : 021000021 : Example Bank';
const WALLET = 'bc1qxy2kgdygjrsqtzq2n0yrf2493p83kkfjhx0wlh';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const exec = promisify(execFile);

async function tcbatch(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await exec(process.execPath, [join(root, 'bin/tcbatch.js'), ...args], { cwd: root, env: { ...process.env, ...env } });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

const dir = mkdtempSync(join(tmpdir(), 'tcbatch-cli-types-'));
const content = join(dir, 'content.json');
writeFileSync(content, JSON.stringify({ indicator: [{ type: 'Bank Account', summary: ACCOUNT, xid: 'bank-1', rating: 3 }, { type: 'Address', summary: '10.0.0.1', xid: 'addr-1' }] }));
const lines = join(dir, 'feed.ndjson');
writeFileSync(lines, `${JSON.stringify({ type: 'Cryptocurrency Wallet', summary: WALLET })}\n${JSON.stringify({ type: 'Bank Account', summary: ACCOUNT, confidence: 80 })}\n`);

describe('tcbatch validate --indicator-types', () => {
  it('refuses a custom type without the option, accepts it with the option', async () => {
    const without = await tcbatch(['validate', '--json', content]);
    expect(without.code).toBe(1);
    const issues = (JSON.parse(without.stdout) as { files: Array<{ issues: Array<{ pointer: string; value: unknown }> }> }).files[0]!.issues;
    expect(issues.map((i) => [i.pointer, (i.value as { type: string }).type])).toStrictEqual([['/indicator/0', 'Bank Account']]);

    const withTypes = await tcbatch(['validate', '--indicator-types', FIXTURE, content, lines]);
    expect(withTypes.stdout).toBe(`${content}: 2 items, valid\n${lines}: 2 items, valid\n`);
    expect(withTypes.code).toBe(0);
  }, 60_000);

  it('an item list names the custom types among the accepted ones', async () => {
    const bad = join(dir, 'bad.ndjson');
    writeFileSync(bad, `${JSON.stringify({ type: 'Bank Acount', summary: ACCOUNT })}\n`);
    const r = await tcbatch(['validate', '--json', '--indicator-types', FIXTURE, bad]);
    expect(r.code).toBe(1);
    const [issue] = (JSON.parse(r.stdout) as { files: Array<{ issues: Array<{ pointer: string; rule: string; value: unknown }> }> }).files[0]!.issues;
    expect([issue!.pointer, issue!.value]).toStrictEqual(['/type', 'Bank Acount']);
    expect(issue!.rule).toMatch(/^a group or indicator type is one of .*, Bank Account, Cryptocurrency Wallet$/);
  }, 60_000);

  it('a file that is not an indicatorTypes answer exits 2 naming it', async () => {
    const r = await tcbatch(['validate', '--indicator-types', content, content]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`tcbatch: ${content} (GET /v2/types/indicatorTypes answer): the answer has no data.indicatorType array\n`);
  }, 60_000);
});

describe('tcbatch convert and submit --dry-run --indicator-types', () => {
  it('convert writes the custom indicators with their deterministic xids', async () => {
    const out = join(dir, 'convert');
    const r = await tcbatch(['convert', '--quiet', '--from', 'batch', '--indicator-types', FIXTURE, '--out', out, lines]);
    expect(r.code).toBe(0);
    const chunk = JSON.parse(readFileSync(join(out, 'batch-0001.json'), 'utf8')) as { indicator: unknown[] };
    expect(chunk.indicator).toStrictEqual([
      { summary: WALLET, type: 'Cryptocurrency Wallet', xid: sha(`Cryptocurrency Wallet-${WALLET}`) },
      { summary: ACCOUNT, type: 'Bank Account', xid: sha(`Bank Account-${ACCOUNT}`), confidence: 80 },
    ]);
  }, 60_000);

  it('submit --dry-run refuses them without the option and keeps them with it', async () => {
    const plain = await tcbatch(['submit', '--dry-run', '--quiet', '--owner', 'O', '--out', join(dir, 'plain'), lines], { TC_API_PATH: '', TC_TOKEN: '' });
    expect(plain.code).toBe(1);
    expect(plain.stdout.split('\n')[0]).toBe(`0 chunk files in ${join(dir, 'plain')}: 0 groups, 0 indicators, 0 associations; 2 rejected, 0 duplicates`);
    const typed = await tcbatch(['submit', '--dry-run', '--quiet', '--owner', 'O', '--out', join(dir, 'typed'), '--indicator-types', FIXTURE, lines], { TC_API_PATH: '', TC_TOKEN: '' });
    expect(typed.code).toBe(0);
    expect(typed.stdout.split('\n')[0]).toBe(`1 chunk files in ${join(dir, 'typed')}: 0 groups, 2 indicators, 0 associations; 0 rejected, 0 duplicates`);
    expect(readdirSync(join(dir, 'typed'))).toStrictEqual(['batch-0001.json']);
  }, 60_000);
});

describe('tcbatch submit --indicator-types to an emulator serving the types', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ credentials: [{ accessId: ACCESS_ID, secretKey: SECRET_KEY }], owners: ['MyOrg'], indicatorTypes: await loadIndicatorTypes(FIXTURE) });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('every item succeeds and the server holds the custom indicators', async () => {
    const r = await tcbatch(['submit', '--json', '--quiet', '--first-wait', '0', '--poll-interval', '0', '--indicator-types', FIXTURE, lines], {
      TC_API_PATH: emu.url,
      TC_API_ACCESS_ID: ACCESS_ID,
      TC_API_SECRET_KEY: SECRET_KEY,
      TC_OWNER: 'MyOrg',
    });
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout) as { jobs: Array<{ status: { successCount: number; errorCount: number } }>; totals: { sent: unknown } };
    expect(out.totals.sent).toStrictEqual({ groups: 0, indicators: 2, associations: 0 });
    expect(out.jobs.map((j) => [j.status.successCount, j.status.errorCount])).toStrictEqual([[2, 0]]);
    const read = async (summary: string, type: string) =>
      (await signedCall(emu.url, 'GET', `/v3/indicators/${encodeURIComponent(summary)}?owner=MyOrg&type=${encodeURIComponent(type)}`, undefined, { timestamp: Math.floor(Date.now() / 1000) })).json;
    expect(await read(ACCOUNT, 'Bank Account')).toMatchObject({ data: { type: 'Bank Account', value1: '12345678', value2: '021000021', confidence: 80 } });
    expect(await read(WALLET, 'Cryptocurrency Wallet')).toMatchObject({ data: { type: 'Cryptocurrency Wallet', summary: WALLET } });
  }, 60_000);
});
