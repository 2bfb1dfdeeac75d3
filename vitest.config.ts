import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'jsonc-parser';
import { defineConfig } from 'vitest/config';

// `from 'tcbatch'` (and 'tcbatch/emulator', ...) resolves to the sources, in every file a test runs
// (README blocks written to .tmp/ too): the "paths" of tsconfig.json, which tsc and tsx read.
const tsconfig = parse(readFileSync(resolve(import.meta.dirname, 'tsconfig.json'), 'utf8')) as {
  compilerOptions: { paths: Record<string, string[]> };
};
const alias = Object.entries(tsconfig.compilerOptions.paths).map(([name, [target]]) => ({
  find: new RegExp(`^${name.replace(/[/.]/g, '\\$&')}$`),
  replacement: resolve(import.meta.dirname, target!),
}));

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['test/**/*.test.ts'],
    // vitest's default leaves one core idle; CI and dev machines here have two.
    maxWorkers: 2,
    // Test files share a worker's module cache (the generated validators and the emulator load once
    // per worker, not once per file): no test depends on fresh module state.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
