/**
 * Step: the type catalogue, `catalog.ts`: one data table per kind (group, indicator) with each
 * type's `x-tc` metadata and its settable fields, derived from the schema properties. The runtime
 * imports it instead of listing types (the Octokit pattern: generate data, interpret it by hand).
 */
import { posix } from 'node:path';
import { formatCode, type OutputFiles } from './emit.js';
import { importLine } from './modules.js';
import type { Json, SchemaFile, SchemaSet } from './load.js';
import type { FieldInfo, FieldKind, MetadataInfo, MetadataKind, StatusCountInfo } from '../src/model/catalog-types.js';

type Kind = FieldKind;
/** A catalogue field as codegen builds it. */
export type Field = { -readonly [K in keyof FieldInfo]: FieldInfo[K] };

/** The definition a local `$ref` (`defs.json#/$defs/rating`) points to, or undefined. */
export function resolveRef(files: readonly SchemaFile[], from: string, ref: string): Json | undefined {
  const [file, fragment = ''] = ref.split('#');
  const path = file ? posix.normalize(posix.join(posix.dirname(from), file)) : from;
  let node: unknown = files.find((f) => f.path === path)?.schema;
  for (const part of fragment.split('/').filter(Boolean)) node = (node as Json | undefined)?.[part];
  return node as Json | undefined;
}

/** Fields the builders manage themselves (identity, value slots, metadata arrays). */
const MANAGED = new Set(['type', 'xid', 'name', 'summary']);

function kindOf(prop: Json, path: string, wire: string): Kind | undefined {
  if (prop['x-tc-client-only'] === true) return 'fileContent';
  const ref = typeof prop.$ref === 'string' ? prop.$ref : '';
  if (ref.endsWith('#/$defs/date') || ref.endsWith('#/$defs/nullableDate')) return 'date';
  if (ref.endsWith('#/$defs/rating')) return 'rating';
  if (ref.endsWith('#/$defs/confidence')) return 'confidence';
  if (ref.endsWith('#/$defs/xid')) return 'string';
  if (ref) return undefined; // object definitions (fileAction, ...) are metadata, not settable scalars
  const t = Array.isArray(prop.type) ? (prop.type as string[]).find((x) => x !== 'null') : prop.type;
  if (t === 'array' || t === 'object') return undefined;
  if (t === 'string' || t === 'boolean' || t === 'integer' || t === 'number') return t;
  if (prop.const !== undefined) return undefined;
  throw new Error(`codegen: ${path}: cannot tell the kind of field "${wire}"`);
}

/** A number range of `common/defs.json` with its rule text. */
function range(defs: Json, name: string): { minimum: number; maximum: number; integer: boolean; rule: string } {
  const d = defs[name] as Json | undefined;
  if (!d || typeof d.minimum !== 'number' || typeof d.maximum !== 'number' || typeof d['x-tc-rule'] !== 'string') {
    throw new Error(`codegen: common/defs.json: $defs/${name} needs minimum, maximum and x-tc-rule`);
  }
  return { minimum: d.minimum, maximum: d.maximum, integer: d.type === 'integer', rule: d['x-tc-rule'] };
}

/** Limits of shared values (rating, confidence, tag name, security label colour) that builders check before the validators run. */
export function limitsOf(set: SchemaSet): Json {
  const defs = (set.files.find((f) => f.path === 'common/defs.json')?.schema.$defs ?? {}) as Json;
  const tagName = ((((defs.tag as Json | undefined)?.properties ?? {}) as Json).name ?? {}) as Json;
  if (typeof tagName.minLength !== 'number' || typeof tagName.maxLength !== 'number' || typeof tagName['x-tc-rule'] !== 'string') {
    throw new Error('codegen: common/defs.json: $defs/tag/properties/name needs minLength, maxLength and x-tc-rule');
  }
  const color = ((((defs.securityLabel as Json | undefined)?.properties ?? {}) as Json).color ?? {}) as Json;
  if (typeof color.pattern !== 'string' || typeof color['x-tc-rule'] !== 'string') {
    throw new Error('codegen: common/defs.json: $defs/securityLabel/properties/color needs pattern and x-tc-rule');
  }
  return {
    rating: range(defs, 'rating'),
    confidence: range(defs, 'confidence'),
    tagName: { minLength: tagName.minLength, maxLength: tagName.maxLength, rule: tagName['x-tc-rule'] },
    labelColor: { pattern: color.pattern, rule: color['x-tc-rule'] },
  };
}

/** The enum settings of the batch job config (`batch/job-config.json`) with their values and rule texts. */
export function jobConfigEnumsOf(set: SchemaSet): Json {
  const props = (set.files.find((f) => f.path === 'batch/job-config.json')?.schema.properties ?? {}) as Record<string, Json>;
  const out: Json = {};
  for (const [name, p] of Object.entries(props)) {
    if (!Array.isArray(p.enum) || typeof p['x-tc-rule'] !== 'string') continue;
    out[name] = { values: p.enum, rule: p['x-tc-rule'] };
  }
  if (!out.action || !out.attributeWriteType) throw new Error('codegen: batch/job-config.json: action and attributeWriteType need an enum and x-tc-rule');
  return out;
}

/**
 * The settable fields of a type: its own properties over those of its base, with the rule text and
 * numeric limits of the definition a property refers to (`rating`: 0 to 5).
 */
export function fieldsOf(file: SchemaFile, base: SchemaFile | undefined, skip: Set<string>, files: readonly SchemaFile[] = []): Record<string, Field> {
  const merged: Array<[string, Json, string]> = [];
  const own = (file.schema.properties ?? {}) as Record<string, Json>;
  for (const [wire, prop] of Object.entries((base?.schema.properties ?? {}) as Record<string, Json>)) {
    merged.push([wire, own[wire] ? { ...prop, ...own[wire] } : prop, base!.path]);
  }
  for (const [wire, prop] of Object.entries(own)) if (!(wire in ((base?.schema.properties ?? {}) as Json))) merged.push([wire, prop, file.path]);
  const out: Record<string, Field> = {};
  for (const [wire, prop, path] of merged) {
    if (MANAGED.has(wire) || skip.has(wire) || prop['x-tc-builder'] === false) continue;
    const kind = kindOf(prop, path, wire);
    if (!kind) continue;
    const name = typeof prop['x-tc-name'] === 'string' ? (prop['x-tc-name'] as string) : wire;
    const field: Field = { wire, name, kind };
    // the rule text and limits of a referenced number definition (rating, confidence) belong to the field
    const def = typeof prop.$ref === 'string' && (kind === 'rating' || kind === 'confidence') ? resolveRef(files, path, prop.$ref) : undefined;
    const spec: Json = { ...def, ...prop };
    if (Array.isArray(spec.enum)) field.enum = spec.enum as string[];
    if (typeof spec['x-tc-rule'] === 'string') field.rule = spec['x-tc-rule'] as string;
    if (def && typeof def.minimum === 'number') field.minimum = def.minimum;
    if (def && typeof def.maximum === 'number') field.maximum = def.maximum;
    if (def && def.type === 'integer') field.integer = true;
    const tolerated = (own[wire] ?? prop)['x-tc-tolerated'] === true;
    if (tolerated) field.tolerated = true;
    if (kind === 'fileContent') field.clientOnly = true;
    if (out[name]) throw new Error(`codegen: ${file.path}: two fields are named "${name}"`);
    out[name] = field;
  }
  return out;
}

/** Emit `catalog.ts` into `out`. */
export async function emitCatalog(set: SchemaSet, head: string, out: OutputFiles): Promise<void> {
  const base = (p: string) => set.files.find((f) => f.path === p);
  const groups: Record<string, unknown> = {};
  const indicators: Record<string, unknown> = {};
  for (const t of set.types) {
    if (t.kind === 'group') {
      groups[t.type] = {
        kind: 'group',
        type: t.type,
        method: t.method,
        className: t.className,
        apiBranch: t.apiBranch,
        apiEntity: t.apiEntity,
        schema: t.file.path,
        args: t.args ?? [],
        fileContent: t.fileContent === true,
        defaults: t.defaults ?? {},
        fields: fieldsOf(t.file, base('common/group-base.json'), new Set(), set.files),
      };
    } else {
      const values = t.values ?? [];
      indicators[t.type] = {
        kind: 'indicator',
        type: t.type,
        method: t.method,
        className: t.className,
        apiBranch: t.apiBranch,
        apiEntity: t.apiEntity,
        schema: t.file.path,
        values,
        casePreference: t.casePreference ?? 'sensitive',
        custom: t.custom === true,
        partialValues: t.partialValues === true,
        occurrences: ((t.file.schema.properties ?? {}) as Json).fileOccurrence !== undefined,
        fields: fieldsOf(t.file, base('common/indicator-base.json'), new Set(values.map((v) => v.field)), set.files),
      };
    }
  }
  const defs = (base('common/defs.json')?.schema.$defs ?? {}) as Record<string, Json>;
  const metadata: Partial<Record<MetadataKind, MetadataInfo>> = {};
  for (const [name, def] of Object.entries(defs)) {
    const b = def['x-tc-builder'];
    if (b && typeof b === 'object') metadata[name as MetadataKind] = b as MetadataInfo;
  }
  const statusProps = (base('batch/batch-status.json')?.schema.properties ?? {}) as Record<string, Json>;
  const statusCounts: Record<string, StatusCountInfo> = {};
  for (const [name, prop] of Object.entries(statusProps)) if (prop['x-tc-count']) statusCounts[name] = prop['x-tc-count'] as StatusCountInfo;
  const critical = (base('batch/error-record.json')?.schema['x-tc-critical'] ?? []) as string[];
  const code = `${head}
/**
 * Every group and indicator type with its metadata, from the schemas' \`x-tc\` keywords and properties,
 * and the other schema facts the runtime reads (limits, job config values, metadata keys, status
 * counts, job-fatal error texts).
 * The runtime reads these tables; it never lists types or rules by hand.
 */
${importLine('catalog.ts', 'catalog-types', ['GroupTypeInfo', 'IndicatorTypeInfo', 'FieldInfo', 'MetadataInfo', 'MetadataKind', 'StatusCountInfo'], true)}

/** sha256 of the schemas this file was generated from. */
export const schemaHash = ${JSON.stringify(set.hash)};

/** Group types by wire type name. */
export const groupTypes = ${JSON.stringify(groups)} as const satisfies Record<string, GroupTypeInfo>;

/** Indicator types by wire type name. */
export const indicatorTypes = ${JSON.stringify(indicators)} as const satisfies Record<string, IndicatorTypeInfo>;

/** Limits of shared values, from \`common/defs.json\` (rating and confidence ranges, tag name length, security label colour pattern), with their rule texts. */
export const limits = ${JSON.stringify(limitsOf(set))} as const;

/** The batch job config's enum settings (\`batch/job-config.json\`): their values and rule texts. */
export const jobConfigEnums = ${JSON.stringify(jobConfigEnumsOf(set))} as const;
/**
 * The settable fields every indicator type has (\`schemas/common/indicator-base.json\`): the fields
 * of a custom indicator type (\`tcbatch codegen\`, \`loadIndicatorTypes\`).
 */
export const indicatorBaseFields = ${JSON.stringify(fieldsOf(base('common/indicator-base.json')!, undefined, new Set(), set.files))} as const satisfies Record<string, FieldInfo>;

/** A batchable group type name (\`Adversary\`, \`Attack Pattern\`, ...). */
export type GroupTypeName = keyof typeof groupTypes;

/** An indicator type name (\`Address\`, \`Registry Key\`, ...). */
export type IndicatorTypeName = keyof typeof indicatorTypes;

/** Attributes, security labels, tags and file occurrences: builder arguments and identifying fields (\`x-tc-builder\` of \`common/defs.json\`). */
export const metadataTypes = ${JSON.stringify(metadata)} as const satisfies Record<MetadataKind, MetadataInfo>;

/** The counts of a \`BatchStatus\` and what each counts (\`x-tc-count\` of \`batch/batch-status.json\`). */
export const statusCounts = ${JSON.stringify(statusCounts)} as const satisfies Record<string, StatusCountInfo>;

/** Error record texts that end a job: the rest of it was not processed (\`x-tc-critical\` of \`batch/error-record.json\`). */
export const criticalReasons = ${JSON.stringify(critical)} as const;
`;
  out.set('catalog.ts', await formatCode(code));
}
