/**
 * Step 1 of codegen: read `schemas/`, check the builder metadata (`x-tc`), and turn an instance's
 * `GET /v2/types/indicatorTypes` answer into schemas for its custom indicator types.
 *
 * Everything downstream (types, validators, catalog, builders, client) works from the
 * {@link SchemaSet} this step returns, so no later step lists types by hand.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { createHash } from 'node:crypto';
import type { TypeMeta, ValueInfo } from '../src/model/catalog-types.js';
import { SCHEMA_BASE, IndicatorTypesAnswerError, customTypeSchemas as customSchemas } from '../src/model/custom-types.js';

export { SCHEMA_BASE, article } from '../src/model/custom-types.js';

/** A JSON Schema object as read from disk. */
export type Json = Record<string, unknown>;

/** One value slot of an indicator type (`value1..3`): the catalogue's {@link ValueInfo}. */
export type ValueMeta = ValueInfo;

export type { TypeMeta };

/** A loaded schema file. */
export interface SchemaFile {
  /** Path relative to the schemas folder, with forward slashes (`groups/adversary.json`). */
  path: string;
  id: string;
  schema: Json;
}

/** Everything codegen reads. */
export interface SchemaSet {
  /** Every JSON schema, sorted by path (common, batch, groups, indicators, custom). */
  files: SchemaFile[];
  /** Group and indicator types in a stable order: groups by type name, then indicators by type name. */
  types: Array<TypeMeta & { file: SchemaFile }>;
  /** The OpenAPI document text (YAML). */
  openapi: string;
  /** sha256 of every input byte, for the generated headers. */
  hash: string;
}

function readJson(file: string): Json {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Json;
  } catch (e) {
    throw new Error(`codegen: ${file} is not valid JSON: ${(e as Error).message}`);
  }
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listJson(p));
    else if (entry.name.endsWith('.json')) out.push(p);
  }
  return out;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

function checkMeta(meta: TypeMeta, path: string): void {
  const fail = (why: string) => {
    throw new Error(`codegen: ${path}: x-tc ${why}`);
  };
  if (meta.kind !== 'group' && meta.kind !== 'indicator') fail(`kind must be "group" or "indicator"`);
  for (const key of ['type', 'method', 'className', 'apiBranch', 'apiEntity'] as const) {
    if (typeof meta[key] !== 'string' || meta[key] === '') fail(`${key} must be a non-empty string`);
  }
  if (!IDENT.test(meta.method)) fail(`method "${meta.method}" is not an identifier`);
  if (!IDENT.test(meta.className)) fail(`className "${meta.className}" is not an identifier`);
  if (meta.kind === 'indicator') {
    if (!Array.isArray(meta.values) || meta.values.length < 1 || meta.values.length > 3) fail('values must list 1 to 3 value slots');
    for (const v of meta.values ?? []) if (!IDENT.test(v.arg)) fail(`value arg "${v.arg}" is not an identifier`);
  } else if (meta.args && !Array.isArray(meta.args)) fail('args must be an array');
}

/**
 * Schemas for the custom indicator types of a `GET /v2/types/indicatorTypes` answer: see
 * `src/model/custom-types.ts` (the run-time registration and `tcbatch codegen` use the same function).
 *
 * @throws Error when the answer has no `data.indicatorType` array or a custom type has no value label.
 */
export function customTypeSchemas(response: unknown, known: Set<string>, baseFields: readonly string[]): SchemaFile[] {
  try {
    return customSchemas(response, known, baseFields);
  } catch (e) {
    if (e instanceof IndicatorTypesAnswerError) throw new Error(`codegen: ${e.message.replace(/^the answer/, '--indicator-types file')}`);
    throw e;
  }
}

/**
 * Load every schema under `schemasDir`, validate the `x-tc` metadata, and add custom indicator types.
 *
 * @param schemasDir folder holding `common/`, `batch/`, `groups/`, `indicators/` and `openapi.yaml`
 * @param indicatorTypesFile optional path to a `GET /v2/types/indicatorTypes` JSON answer
 * @throws Error naming the file when a schema is not JSON, its `$id` does not match its path, or
 *   its `x-tc` metadata is incomplete; or when two types share a type name, method or class name.
 */
export function loadSchemas(schemasDir: string, indicatorTypesFile?: string): SchemaSet {
  const hash = createHash('sha256');
  const files: SchemaFile[] = [];
  for (const abs of listJson(schemasDir)) {
    const path = relative(schemasDir, abs).split('\\').join('/');
    const text = readFileSync(abs, 'utf8');
    hash.update(path).update('\0').update(text).update('\0');
    const schema = readJson(abs);
    const id = String(schema.$id ?? '');
    if (id !== `${SCHEMA_BASE}${path}`) throw new Error(`codegen: ${path}: $id must be ${SCHEMA_BASE}${path}, found "${id}"`);
    files.push({ path, id, schema });
  }
  const openapiPath = join(schemasDir, 'openapi.yaml');
  if (!existsSync(openapiPath)) throw new Error(`codegen: ${openapiPath} is missing`);
  const openapi = readFileSync(openapiPath, 'utf8');
  hash.update('openapi.yaml\0').update(openapi);

  const typed = files.filter((f) => f.schema['x-tc'] !== undefined);
  if (indicatorTypesFile) {
    const text = readFileSync(indicatorTypesFile, 'utf8');
    hash.update('\0indicator-types\0').update(text);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`codegen: ${indicatorTypesFile} is not valid JSON: ${(e as Error).message}`);
    }
    const known = new Set(typed.map((f) => (f.schema['x-tc'] as TypeMeta).type));
    const base = files.find((f) => f.path === 'common/indicator-base.json');
    const custom = customTypeSchemas(parsed, known, Object.keys((base?.schema.properties ?? {}) as Json));
    files.push(...custom);
    typed.push(...custom);
  }

  const types = typed.map((file) => {
    const meta = file.schema['x-tc'] as TypeMeta;
    checkMeta(meta, file.path);
    return { ...meta, file };
  });
  types.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'group' ? -1 : 1) : a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  for (const key of ['type', 'method', 'className'] as const) {
    const seen = new Map<string, string>();
    for (const t of types) {
      const k = key === 'type' ? `${t.kind}:${t[key]}` : t[key];
      const prev = seen.get(k);
      if (prev) throw new Error(`codegen: ${t.file.path} and ${prev} share the ${key} "${t[key]}"`);
      seen.set(k, t.file.path);
    }
  }
  return { files, types, openapi, hash: hash.digest('hex') };
}
