/**
 * Step: standalone ajv validators.
 *
 * Writes `validators/standalone.js` (ajv's standalone ESM code: one exported function per group
 * type, indicator type and batch schema, sharing their common parts), its `.d.ts`, and
 * `validators/index.ts` with typed wrappers (handlebars template `validators-index.hbs`).
 */
import { readFileSync } from 'node:fs';
import standaloneModule from 'ajv/dist/standalone/index.js';
import Handlebars from 'handlebars';
import { createAjv } from './ajv.js';
import { formatCode, type OutputFiles } from './emit.js';
import { article, type SchemaFile, type SchemaSet } from './load.js';
import { importLine, importNamespace } from './modules.js';

const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (
  ajv: ReturnType<typeof createAjv>,
  refs: Record<string, string>,
) => string;

/** A schema that gets a validator: every group/indicator type and every `batch/` schema. */
export interface ValidatorTarget {
  /** Exported function name: `validate` + the schema title. */
  name: string;
  /** TS type name (the schema title, as json-schema-to-typescript names it). */
  typeName: string;
  path: string;
  id: string;
  describe: string;
  kind?: 'group' | 'indicator';
  type?: string;
  /** Metadata definitions (`x-tc-builder` of `common/defs.json`): the definition's name. */
  metadata?: string;
}

/** The schemas that get validators, in a stable order. */
export function validatorTargets(set: SchemaSet, files: SchemaFile[]): ValidatorTarget[] {
  const out: ValidatorTarget[] = [];
  for (const t of set.types) {
    out.push({
      name: `validate${t.className}`,
      typeName: t.className,
      path: t.file.path,
      id: t.file.id,
      describe: article(`${t.type} ${t.kind}`),
      kind: t.kind,
      type: t.type,
    });
  }
  for (const f of files.filter((f) => f.path.startsWith('batch/'))) {
    const title = String(f.schema.title);
    out.push({ name: `validate${title}`, typeName: title, path: f.path, id: f.id, describe: article(title) });
  }
  const defs = files.find((f) => f.path === 'common/defs.json');
  for (const [name, def] of Object.entries((defs?.schema.$defs ?? {}) as Record<string, Record<string, unknown>>)) {
    if (!def['x-tc-builder'] || typeof def['x-tc-builder'] !== 'object') continue;
    const title = String(def.title);
    out.push({ name: `validate${title}`, typeName: title, path: `${defs!.path}#/$defs/${name}`, id: `${defs!.id}#/$defs/${name}`, describe: article(title), metadata: name });
  }
  return out;
}

const template = Handlebars.compile(readFileSync(new URL('./templates/validators-index.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: true,
});
Handlebars.registerHelper('json', (v: unknown) => JSON.stringify(v));

/** Emit the validator files into `out` under `validators/`. */
export async function emitValidators(set: SchemaSet, files: SchemaFile[], head: string, out: OutputFiles): Promise<void> {
  const targets = validatorTargets(set, files);
  const ajv = createAjv(files, true);
  const refs = Object.fromEntries(targets.map((t) => [t.name, t.id]));
  const js = standaloneCode(ajv, refs);
  // ajv writes its standalone code one statement a line (`code.lines`); prettier over this 0.5 MB
  // file would cost most of a codegen run, so it is kept as ajv formats it.
  out.set('validators/standalone.js', `${head}/* eslint-disable */\n${js.trimEnd()}\n`);
  const dts = [
    head,
    importLine('validators/standalone.d.ts', 'validation', ['RawValidator'], true),
    ...targets.map((t) => `/** Standalone ajv validator for \`schemas/${t.path}\`. */\nexport declare const ${t.name}: RawValidator;`),
  ].join('\n');
  out.set('validators/standalone.d.ts', await formatCode(dts));
  const index = template({
    header: head,
    imports: [importLine('validators/index.ts', 'validation', ['runValidator', 'type ValidationResult']), importNamespace('validators/index.ts', 'types', 'T')].join('\n'),
    validators: targets,
    groups: targets.filter((t) => t.kind === 'group'),
    indicators: targets.filter((t) => t.kind === 'indicator'),
    metadata: targets.filter((t) => t.metadata !== undefined),
  });
  out.set('validators/index.ts', await formatCode(index));
}
