/**
 * Step 2 of codegen: normalise the schema set.
 *
 * - {@link expandUnions} replaces the `x-tc-union` placeholders of `batch/content.json` with a
 *   `oneOf` over every group or indicator type (discriminated by `type`), so adding a type
 *   needs no edit to the content schema.
 * - {@link bundle} rewrites every file into one self-contained schema (`$defs` keyed by path,
 *   every `$ref` a local pointer). json-schema-to-typescript reads it, and it is written to
 *   `generated/schemas/bundle.json` for tools in other languages.
 */
import { type Json, type SchemaSet, type SchemaFile } from './load.js';
import { BUNDLE_ID, bundleDefKey, typeNameRule } from '../src/model/custom-types.js';

/** `$defs` key of a schema file: its path without `.json`, slashes turned into dots. */
export const defKey = bundleDefKey;

function mapDeep(value: unknown, fn: (obj: Json) => Json | undefined): unknown {
  if (Array.isArray(value)) return value.map((v) => mapDeep(v, fn));
  if (value && typeof value === 'object') {
    const replaced = fn(value as Json);
    if (replaced !== undefined) return replaced;
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) out[k] = mapDeep(v, fn);
    return out;
  }
  return value;
}

/**
 * Copy of the schema set with every `{ "x-tc-union": "group" | "indicator" }` placeholder replaced
 * by a discriminated `oneOf` of absolute `$ref`s to the type schemas of that kind.
 */
export function expandUnions(set: SchemaSet): SchemaFile[] {
  return set.files.map((file) => {
    const schema = mapDeep(file.schema, (obj) => {
      const kind = obj['x-tc-union'];
      if (kind === undefined) return undefined;
      const members = set.types.filter((t) => t.kind === kind);
      if (members.length === 0) throw new Error(`codegen: ${file.path}: x-tc-union "${String(kind)}" matches no type`);
      const names = members.map((t) => t.type);
      const { ['x-tc-union']: _drop, ...rest } = obj;
      return {
        ...rest,
        type: 'object',
        required: ['type'],
        discriminator: { propertyName: 'type' },
        oneOf: members.map((t) => ({ $ref: t.file.id })),
        'x-tc-rule': typeNameRule(kind as 'group' | 'indicator', names),
      };
    }) as Json;
    return { ...file, schema };
  });
}

/**
 * One self-contained schema holding every file under `$defs[defKey(path)]`, with `$id`/`$schema`
 * removed from the members and each `$ref` rewritten to a local JSON pointer.
 *
 * @throws Error when a `$ref` points outside the schema set.
 */
export function bundle(files: SchemaFile[], hash: string): Json {
  const byId = new Map(files.map((f) => [f.id, f]));
  const defs: Json = {};
  for (const file of files) {
    const rewrite = (obj: Json): Json | undefined => {
      if (typeof obj.$ref !== 'string') return undefined;
      const abs = new URL(obj.$ref, file.id);
      const doc = `${abs.origin}${abs.pathname}`;
      const target = byId.get(doc === file.id ? file.id : doc);
      if (!target) throw new Error(`codegen: ${file.path}: $ref "${obj.$ref}" is not a file of schemas/`);
      const fragment = decodeURIComponent(abs.hash.replace(/^#/, ''));
      const out: Json = {};
      for (const [k, v] of Object.entries(obj)) out[k] = k === '$ref' ? `#/$defs/${defKey(target.path)}${fragment}` : mapDeep(v, rewrite);
      return out;
    };
    const rewritten = mapDeep(file.schema, rewrite) as Json;
    const { $id: _id, $schema: _schema, ...member } = rewritten;
    defs[defKey(file.path)] = member;
  }
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: BUNDLE_ID,
    title: 'TcBatchSchemas',
    description: `Every tcbatch schema in one file (schemas sha256 ${hash}).`,
    $defs: defs,
  };
}
