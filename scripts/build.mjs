#!/usr/bin/env node
// `npm run build` (and `prepack`): the package's two builds, each by its own tsc run.
//   dist/esm: ES modules, from tsconfig.build.json (src/, generated/ and codegen/, as the sources are).
//   dist/cjs: CommonJS, for `require('tcbatch')`: the entry points in package.json "exports" (their
//             "require" conditions) and what they import. tsc picks a file's module format from the
//             nearest package.json, so the sources are copied to .tmp/build-cjs/ under a
//             package.json of "type": "commonjs" (what tshy does), where each `*-cjs.cts` file replaces
//             its `.ts` sibling (src/dialect.ts reads import.meta.url, which CommonJS lacks);
//             dist/cjs/package.json sets "type": "commonjs" for the output.
// No source maps: the package does not ship the sources they would point to.
import { spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const dist = join(root, 'dist');
const cjsSrc = join(root, '.tmp', 'build-cjs');

/** Every file under `dir`. */
function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

/** Run tsc with `args`; resolves when it exits 0, rejects otherwise (its output is passed through). */
function runTsc(args) {
  return new Promise((ok, fail) => {
    const child = spawn(process.execPath, [tsc, ...args], { cwd: root, stdio: 'inherit' });
    child.on('error', fail);
    child.on('exit', (code, signal) =>
      code === 0 ? ok() : fail(new Error(`tsc ${args.join(' ')} failed (${signal ?? `exit ${code}`})`)),
    );
  });
}

/** The source file of a built "require" target: `./dist/cjs/src/index.js` -> `src/index.ts`. */
function sourceOf(target) {
  const rel = relative(join(dist, 'cjs'), join(root, target));
  const ts = rel.replace(/\.js$/, '.ts');
  if (!existsSync(join(root, ts))) throw new Error(`package.json exports ${target}: no source ${ts}`);
  return ts;
}

const t0 = performance.now();
rmSync(dist, { recursive: true, force: true });
rmSync(cjsSrc, { recursive: true, force: true });

// the CommonJS copy of the sources
const entries = Object.values(pkg.exports)
  .map((e) => (typeof e === 'object' ? e.require?.default : undefined))
  .filter((t) => typeof t === 'string')
  .map(sourceOf);
for (const dir of ['src', 'generated']) cpSync(join(root, dir), join(cjsSrc, dir), { recursive: true });
writeFileSync(join(cjsSrc, 'package.json'), '{ "type": "commonjs" }\n');
for (const file of walk(cjsSrc)) {
  if (file.endsWith('-cjs.cts')) renameSync(file, file.replace(/-cjs\.cts$/, '.ts'));
}
writeFileSync(
  join(cjsSrc, 'tsconfig.json'),
  `${JSON.stringify(
    {
      extends: relative(cjsSrc, join(root, 'tsconfig.json')),
      compilerOptions: {
        noEmit: false,
        rootDir: '.',
        outDir: relative(cjsSrc, join(dist, 'cjs')),
        sourceMap: false,
        declarationMap: false,
      },
      files: entries,
      // plain JavaScript the entry points import (ajv's standalone validators)
      include: ['generated/**/*.js'],
    },
    null,
    2,
  )}\n`,
);

await Promise.all([
  runTsc(['-p', 'tsconfig.build.json']),
  runTsc(['-p', relative(root, join(cjsSrc, 'tsconfig.json'))]),
]);

mkdirSync(join(dist, 'cjs'), { recursive: true });
writeFileSync(join(dist, 'cjs', 'package.json'), '{ "type": "commonjs" }\n');
// codegen reads its templates next to its modules
if (existsSync(join(root, 'codegen', 'templates')))
  cpSync(join(root, 'codegen', 'templates'), join(dist, 'esm', 'codegen', 'templates'), { recursive: true });
rmSync(cjsSrc, { recursive: true, force: true });

// CommonJS cannot parse `import.meta`: a source that uses it outside src/dialect.ts would fail at load time
const bad = walk(join(dist, 'cjs')).filter(
  (f) => f.endsWith('.js') && /\bimport\.meta\b/.test(readFileSync(f, 'utf8')),
);
if (bad.length > 0)
  throw new Error(
    `import.meta in the CommonJS build (use src/dialect.ts or src/package-root.ts): ${bad.map((f) => relative(root, f)).join(', ')}`,
  );
const count = (dir) => walk(dir).filter((f) => f.endsWith('.js')).length;
console.log(
  `built dist/esm (${count(join(dist, 'esm'))} modules) and dist/cjs (${count(join(dist, 'cjs'))} modules) in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
);
