// The CLI commands as processes: exit codes, --json output, and submit against an emulator.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const root = resolve(import.meta.dirname, '../..');
const run = promisify(execFile);
const fixtures = join(root, 'test/fixtures/tcex');

async function tcbatch(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const r = await run(process.execPath, [join(root, 'bin/tcbatch.js'), ...args], { cwd: root, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('tcbatch validate', () => {
  it('reports the File Drop/File Traffic groups of the reference fixture by pointer, exit 1; --json', async () => {
    const r = await tcbatch(['validate', '--json', join(fixtures, 'playbook-batch_test_input-large_file.json'), join(fixtures, 'playbook-batch_test_input-small_file.json')]);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { files: Array<{ valid: boolean; items: number; issues: Array<{ pointer: string; keyword: string; value: { type: string }; item: { type: string; xid: string } }> }> };
    expect(out.files.map((f) => [f.valid, f.items])).toStrictEqual([
      [false, 9],
      [true, 2],
    ]);
    expect(out.files[0]!.issues.map((i) => [i.pointer, i.keyword, i.item.type, i.item.xid])).toStrictEqual([
      ['/group/2', 'discriminator', 'File Drop', 'e336e2dd-5dfb-48cd-a33a-f8809e83e904:3650669'],
      ['/group/3', 'discriminator', 'File Traffic', 'e336e2dd-5dfb-48cd-a33a-f8809e83e904:3650670'],
      ['/group/4', 'discriminator', 'File Traffic', 'e336e2dd-5dfb-48cd-a33a-f8809e83e904:3650671'],
      ['/group/5', 'discriminator', 'File Traffic', 'e336e2dd-5dfb-48cd-a33a-f8809e83e904:3624843'],
    ]);
  }, 60_000);

  it('exit 0 for valid files, 2 for a missing or unparsable file, with line and column', async () => {
    expect((await tcbatch(['validate', join(fixtures, 'v2-batch-batch_data.json')])).code).toBe(0);
    const missing = await tcbatch(['validate', join(fixtures, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stdout).toContain('nope.json: ENOENT');
    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-cli-'));
    const bad = join(dir, 'bad.json');
    (await import('node:fs')).writeFileSync(bad, '{\n  "group": [\n    {"name": "x",}\n  ]\n}');
    const parsed = await tcbatch(['validate', bad]);
    expect(parsed.code).toBe(2);
    expect(parsed.stdout).toMatch(/bad\.json: invalid JSON at line 3, column \d+/);
  }, 60_000);

  it('--help lists the exit codes', async () => {
    const r = await tcbatch(['validate', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Exit codes: 0 all valid, 1 some item invalid, 2 a file could not be read or parsed.');
  }, 60_000);
});

describe('tcbatch submit', () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ credentials: [{ accessId: 'A', secretKey: 'cli-secret-xyz' }], owners: ['MyOrg'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('sends a content file, exits 1 for the rejected groups, --json has every job and reject, never the secret', async () => {
    const r = await tcbatch(['submit', '--json', '--first-wait', '0', '--poll-interval', '0', join(fixtures, 'playbook-batch_test_input-large_file.json')], {
      TC_API_PATH: emu.url,
      TC_API_ACCESS_ID: 'A',
      TC_API_SECRET_KEY: 'cli-secret-xyz',
      TC_OWNER: 'MyOrg',
    });
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { jobs: Array<{ status: { status: string; successCount: number } }>; rejects: Array<{ source: string }>; totals: { sent: { groups: number; indicators: number } } };
    expect(out.totals.sent).toStrictEqual({ groups: 2, indicators: 3, associations: 0 });
    expect(out.jobs.map((j) => j.status.status)).toStrictEqual(['Completed']);
    expect(out.rejects.map((x) => x.source.split('#')[1])).toStrictEqual(['/group/2', '/group/3', '/group/4', '/group/5']);
    expect(`${r.stdout}${r.stderr}`).not.toContain('cli-secret-xyz');
  }, 60_000);

  it('--dry-run writes the chunk files; no credentials needed', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tcbatch-dry-'));
    const r = await tcbatch(['submit', '--dry-run', '--owner', 'O', '--out', out, join(fixtures, 'v2-batch-batch_data.json')], { TC_API_PATH: '', TC_TOKEN: '' });
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`1 chunk files in ${out}: 5 groups, 11 indicators, 0 associations; 0 rejected, 3 duplicates`);
    expect(readdirSync(out)).toStrictEqual(['batch-0001.json']);
    const content = JSON.parse(readFileSync(join(out, 'batch-0001.json'), 'utf8')) as { group: unknown[]; indicator: unknown[] };
    expect([content.group.length, content.indicator.length]).toStrictEqual([5, 11]);
  }, 60_000);

  it('exit 2 without credentials', async () => {
    const r = await tcbatch(['submit', join(fixtures, 'v2-batch-batch_data.json')], { TC_API_PATH: '', TC_API_ACCESS_ID: '', TC_API_SECRET_KEY: '', TC_TOKEN: '' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('TcClient needs apiPath');
  }, 60_000);
});
