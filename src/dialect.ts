/**
 * What differs between the ES module and the CommonJS build of tcbatch, in one small module: this
 * module's own file and a `require` bound to it. This file is the ES module version (it reads
 * `import.meta.url`, which CommonJS does not have); `scripts/build.mjs` compiles
 * `dialect-cjs.cts` in its place for the CommonJS build (`__filename`, `require`). Everything
 * else is the same source for both.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Absolute path of this module's file (in `src/`, `dist/esm/src/` or `dist/cjs/src/`). */
export const moduleFile: string = fileURLToPath(import.meta.url);

/** `require` resolving from this module: finds packages the way tcbatch's own imports do. */
export const requireHere: NodeJS.Require = createRequire(import.meta.url);
