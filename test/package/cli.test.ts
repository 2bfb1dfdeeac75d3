// The CLI launcher in a checkout: `--version` is the package version; `demo --help` defaults to the
// repository's data/ (found from the package root, so the same code finds the installed package's
// data/ under node_modules, which test/consumer/run.mjs checks).
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { findPackageRoot, packageRoot, packageVersion } from '../../src/package-root.js';

const root = resolve(import.meta.dirname, '../..');
const run = (...args: string[]) =>
  promisify(execFile)(process.execPath, [join(root, 'bin/tcbatch.js'), ...args], { cwd: root });
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

describe('package root', () => {
  it('is the repository, from the sources', () => {
    expect(packageRoot).toBe(root);
    expect(packageVersion).toBe(version);
  });
  it('passes over a package.json of another name (dist/cjs/package.json sets only the type)', () => {
    const pkg = mkdtempSync(join(tmpdir(), 'tcbatch-root-'));
    try {
      writeFileSync(join(pkg, 'package.json'), '{ "name": "tcbatch", "version": "9.9.9" }');
      mkdirSync(join(pkg, 'dist', 'cjs', 'src'), { recursive: true });
      writeFileSync(join(pkg, 'dist', 'cjs', 'package.json'), '{ "type": "commonjs" }');
      expect(findPackageRoot(join(pkg, 'dist', 'cjs', 'src'))).toBe(pkg);
    } finally {
      rmSync(pkg, { recursive: true, force: true });
    }
  });
  it('says so when there is none', () => {
    expect(() => findPackageRoot('/')).toThrow('tcbatch: no package.json named tcbatch at or above /');
  });
});

describe('tcbatch CLI', () => {
  it('--version prints the package version', async () => {
    const { stdout, stderr } = await run('--version');
    expect({ stdout, stderr }).toEqual({ stdout: `${version}\n`, stderr: '' });
  });
  it('demo --help defaults to the data/ folder of the package', async () => {
    const { stdout } = await run('demo', '--help');
    const dir = /--data <dir>[^(]*\(default:\s+"([^"]+)"\)/.exec(stdout)?.[1];
    expect(dir).toBe(join(root, 'data'));
    expect(existsSync(join(dir!, 'README.md'))).toBe(true);
  });
});
