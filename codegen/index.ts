/**
 * tcbatch codegen: `schemas/` -> `generated/`.
 *
 *   tsx codegen/index.ts [--check] [--schemas DIR] [--out DIR] [--indicator-types FILE]
 *
 * Steps, in order: load (+ custom indicator types) -> expand the content unions -> bundle ->
 * types (json-schema-to-typescript) -> validators (ajv standalone) -> client types
 * (openapi-typescript) -> catalogue -> builders. Every file gets the {@link HEADER}.
 * `--check` writes nothing: it exits 1 and lists the files that differ when `generated/` is stale.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSchemas } from './load.js';
import { bundle, expandUnions } from './bundle.js';
import { emitTypes } from './types.js';
import { emitValidators } from './validators.js';
import { emitClient } from './client.js';
import { emitCatalog } from './catalog.js';
import { emitBuilders } from './builders.js';
import { header, type OutputFiles } from './emit.js';
import { packageRoot } from '../src/package-root.js';
import { staleFiles, writeFiles } from './files.js';

/** The tcbatch package folder (a checkout, or the installed package when codegen runs from dist/esm/codegen). */
const ROOT = packageRoot;

/** Options of one codegen run. */
export interface CodegenOptions {
  /** Schemas folder (default `schemas/`). */
  schemasDir?: string;
  /** A `GET /v2/types/indicatorTypes` answer whose custom types are added. */
  indicatorTypesFile?: string;
}

/** Run every step and return the generated files by path relative to the output folder. */
export async function generate(options: CodegenOptions = {}): Promise<OutputFiles> {
  const schemasDir = resolve(options.schemasDir ?? join(ROOT, 'schemas'));
  const set = loadSchemas(schemasDir, options.indicatorTypesFile);
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const head = header(set.hash, version);
  const files = expandUnions(set);
  const bundled = bundle(files, set.hash);
  const out: OutputFiles = new Map();
  out.set('README.md', `${head}\n# generated/\n\nWritten by \`npm run codegen\` from \`schemas/\`. Do not edit: change a schema or a codegen step and run the generator again. \`npm run codegen:check\` fails when this folder is stale.\n`);
  // A JSON literal, already laid out by JSON.stringify: prettier would only re-indent it.
  out.set(
    'schemas/bundle.ts',
    `${head}/** Every schema (custom types included) in one self-contained JSON Schema: \`$defs\` keyed by path, local \`$ref\`s. */\nexport const bundle = ${JSON.stringify(bundled, null, 2)} as const;\n`,
  );
  await emitTypes(bundled, head, out);
  await emitValidators(set, files, head, out);
  await emitClient(schemasDir, head, out);
  await emitCatalog(set, head, out);
  await emitBuilders(set, head, out);
  return new Map([...out.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
}

export { staleFiles, writeFiles } from './files.js';

async function main(argv: string[]): Promise<number> {
  const opt = (name: string) => {
    const i = argv.indexOf(name);
    if (i < 0) return undefined;
    const v = argv[i + 1];
    if (!v || v.startsWith('--')) throw new Error(`codegen: ${name} needs a value`);
    return v;
  };
  const known = new Set(['--check', '--schemas', '--out', '--indicator-types']);
  for (const a of argv) if (a.startsWith('--') && !known.has(a)) throw new Error(`codegen: unknown option ${a}`);
  const outDir = resolve(opt('--out') ?? join(ROOT, 'generated'));
  const files = await generate({ schemasDir: opt('--schemas'), indicatorTypesFile: opt('--indicator-types') });
  if (argv.includes('--check')) {
    const stale = staleFiles(files, outDir);
    if (stale.length > 0) {
      console.error(`codegen:check: ${outDir} is stale; run \`npm run codegen\`. Differs:\n  ${stale.join('\n  ')}`);
      return 1;
    }
    console.log(`codegen:check: ${files.size} files up to date`);
    return 0;
  }
  writeFiles(files, outDir);
  console.log(`codegen: wrote ${files.size} files to ${relative(process.cwd(), outDir) || '.'}`);
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error((e as Error).message);
      process.exit(2);
    },
  );
}
