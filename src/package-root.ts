/**
 * The folder of the tcbatch package (holding its `package.json`, `data/`, `schemas/` and the
 * emulator's console files), found the same way from the sources, the ES module build and the
 * CommonJS build, in a checkout or installed under `node_modules`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { moduleFile } from './dialect.js';

/**
 * The nearest folder at or above `from` whose `package.json` is named `tcbatch`
 * (`dist/cjs/package.json`, which only sets the module type, is passed over).
 *
 * @param from a folder inside the package
 * @returns the package folder
 * @throws Error when no such folder exists (a copied or bundled file outside its package)
 */
export function findPackageRoot(from: string): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      try {
        if ((JSON.parse(readFileSync(file, 'utf8')) as { name?: unknown }).name === 'tcbatch') return dir;
      } catch {
        // not JSON: keep looking upwards
      }
    }
    if (dirname(dir) === dir) throw new Error(`tcbatch: no package.json named tcbatch at or above ${from}`);
  }
}

/** The tcbatch package folder. */
export const packageRoot: string = findPackageRoot(dirname(moduleFile));

/** The package's version, from its `package.json`. */
export const packageVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;
