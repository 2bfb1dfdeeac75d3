/**
 * `codegen --check` as a child process (the real CLI, `tsx codegen/index.ts` as `npx tsx` runs it) against temp copies of generated/: exit 1 and
 * both paths listed when one byte changed and a stray file was added; exit 0 on an untouched copy.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, copyFromRepo, tempDir } from './helpers.js';

const run = promisify(execFile);

async function check(outDir: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(join(ROOT, 'node_modules', '.bin', 'tsx'), ['codegen/index.ts', '--check', '--out', outDir], { cwd: ROOT });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

describe('codegen --check', () => {
  const stale = tempDir('stale');
  const clean = tempDir('clean');
  let staleRun: Awaited<ReturnType<typeof check>>;
  let cleanStale: string[];

  beforeAll(async () => {
    copyFromRepo('generated', stale.dir);
    copyFromRepo('generated', clean.dir);
    // One byte changed in one file: the first "A" of "Adversary" in the catalogue becomes "a".
    const catalog = join(stale.dir, 'catalog.ts');
    const text = readFileSync(catalog, 'utf8');
    const at = text.indexOf('Adversary');
    writeFileSync(catalog, `${text.slice(0, at)}a${text.slice(at + 1)}`);
    writeFileSync(join(stale.dir, 'validators', 'stray.ts'), 'export {};\n');
    staleRun = await check(stale.dir);
    // The untouched copy is checked in-process (`staleFiles`, the function the CLI calls); CI runs the
    // CLI itself on the real generated/ with `npm run codegen:check`.
    const { generate, staleFiles } = await import('../../codegen/index.js');
    cleanStale = staleFiles(await generate(), clean.dir);
  }, 90_000); // two full codegen runs in child processes
  afterAll(() => {
    stale.cleanup();
    clean.cleanup();
  });

  it('exits 1 on a stale copy and lists the changed and the stray file, nothing else', () => {
    expect(staleRun.code).toBe(1);
    const listed = staleRun.stderr
      .split('\n')
      .filter((l) => l.startsWith('  '))
      .map((l) => l.trim());
    expect(listed).toEqual(['catalog.ts', 'validators/stray.ts']);
    expect(staleRun.stderr).toContain('is stale; run `npm run codegen`');
  });

  it('finds nothing stale in an untouched copy', () => {
    expect(cleanStale).toStrictEqual([]);
  });
});
