/**
 * Step: TypeScript types for every schema, with json-schema-to-typescript over the bundle
 * (one self-contained schema, see `bundle.ts`), into `types/index.ts`.
 * Type names are the schemas' `title`s.
 */
import { compile } from 'json-schema-to-typescript';
import { formatCode, type OutputFiles } from './emit.js';
import type { Json } from './load.js';

const CONSTRAINT_ONLY = new Set(['required', 'anyOf', 'oneOf', 'dependentRequired', 'if', 'then', 'else', 'x-tc-rule', 'not']);

/**
 * Reshape the bundle for json-schema-to-typescript without changing what it accepts as a type:
 * - a `$ref` with sibling keywords becomes a bare `$ref` (otherwise every use site mints a new
 *   copy of the referenced type, `TcDate1`, `TcDate2`, ...);
 * - `allOf` members that only constrain (required, anyOf of required, if/then) are dropped, their
 *   `required` list moved to the parent (they carry no shape, and would add index signatures);
 * - a schema's own `properties` next to its `allOf` move into an anonymous `allOf` member, so the
 *   type reads `GroupBase & { type: "Adversary" }` instead of naming a helper type;
 * - a client-side-only field (`x-tc-client-only`, Document `fileContent`) is typed `unknown`;
 * - `anyOf`/`oneOf` members that only constrain a primitive (formats, patterns) are dropped.
 */
export function typeView(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(typeView);
  if (!node || typeof node !== 'object') return node;
  const obj = node as Json;
  if (typeof obj.$ref === 'string') return { $ref: obj.$ref };
  const out: Json = {};
  for (const [k, v] of Object.entries(obj)) out[k] = typeView(v);
  if (out['x-tc-client-only'] === true) out.tsType = 'unknown';
  // `{ type: 'string', anyOf: [{ format }, { pattern }] }`: the members only constrain the string.
  for (const k of ['anyOf', 'oneOf'] as const) {
    const members = out[k] as Json[] | undefined;
    if (typeof out.type === 'string' && out.type !== 'object' && members?.every((m) => m.type === undefined && m.$ref === undefined && m.properties === undefined)) delete out[k];
  }
  if (Array.isArray(out.allOf)) {
    const required = new Set<string>(Array.isArray(out.required) ? (out.required as string[]) : []);
    const members = (out.allOf as Json[]).filter((m) => {
      if (m.$ref !== undefined || m.properties !== undefined) return true;
      if (!Object.keys(m).every((k) => CONSTRAINT_ONLY.has(k))) return true;
      for (const r of (m.required as string[] | undefined) ?? []) required.add(r);
      return false;
    });
    if (out.properties !== undefined) {
      members.push({ type: 'object', properties: out.properties, required: [...required] });
      delete out.properties;
      delete out.required;
    } else if (required.size > 0) out.required = [...required];
    for (const k of ['anyOf', 'oneOf', 'dependentRequired', 'if', 'then'] as const) {
      if (k !== 'oneOf' || !(out.oneOf as Json[] | undefined)?.every((m) => m.$ref !== undefined)) delete out[k];
    }
    out.allOf = members;
  }
  return out;
}

/** Emit `types/index.ts` into `out`. */
export async function emitTypes(bundled: Json, head: string, out: OutputFiles): Promise<void> {
  const ts = await compile(typeView(bundled) as never, 'TcBatchSchemas', {
    bannerComment: '',
    additionalProperties: false,
    unreachableDefinitions: true,
    declareExternallyReferenced: true,
    enableConstEnums: false,
    strictIndexSignatures: true,
    format: false,
    unknownAny: true,
    $refOptions: { resolve: { external: false } } as never,
  });
  out.set('types/index.ts', await formatCode(`${head}${ts}`));
}
