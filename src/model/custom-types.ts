/**
 * Custom indicator types of a ThreatConnect instance, from its `GET /v2/types/indicatorTypes`
 * answer (ThreatConnect REST API: indicator types): the JSON schema of each custom type and its
 * catalogue entry. One definition for the three places that read such an answer: codegen of this
 * repository (`npm run codegen -- --indicator-types`), `tcbatch codegen` in a user's project, and
 * `loadIndicatorTypes` (registration at run time).
 *
 * Plain data and functions; no ajv, no generated code.
 */
import type { FieldInfo, IndicatorTypeInfo, TypeMeta, ValueInfo } from './catalog-types.js';
import { IndicatorTypesError } from '../errors.js';

/** A JSON Schema object. */
export type JsonSchema = Record<string, unknown>;

/** Base URI of every schema `$id`; the path after it mirrors the file layout under `schemas/`. */
export const SCHEMA_BASE = 'https://tcbatch.dev/schemas/';

/** The custom type schemas' `$ref` to the common indicator fields (relative to `custom/<file>.json`). */
export const INDICATOR_BASE_REF = '../common/indicator-base.json';

/** `$id` of the bundle of every schema (`generated/schemas/bundle.ts`). */
export const BUNDLE_ID = `${SCHEMA_BASE}bundle.json`;

/** `$defs` key of a schema file in the bundle: its path without `.json`, slashes turned into dots. */
export function bundleDefKey(path: string): string {
  return path.replace(/\.json$/, '').split('/').join('.');
}

/**
 * A copy of a custom type schema whose `$ref`s point into the bundle
 * (`../common/indicator-base.json` -> `bundle.json#/$defs/common.indicator-base`), so it compiles
 * next to the bundle alone, without the schema files.
 */
export function refsIntoBundle(s: CustomTypeSchema): JsonSchema {
  const rewrite = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(rewrite);
    if (!node || typeof node !== 'object') return node;
    const out: JsonSchema = {};
    for (const [k, v] of Object.entries(node as JsonSchema)) {
      if (k === '$ref' && typeof v === 'string') {
        const abs = new URL(v, s.id);
        const path = `${abs.origin}${abs.pathname}`.slice(SCHEMA_BASE.length);
        out[k] = `${BUNDLE_ID}#/$defs/${bundleDefKey(path)}${decodeURIComponent(abs.hash.replace(/^#/, ''))}`;
      } else out[k] = k === 'x-tc' ? v : rewrite(v);
    }
    return out;
  };
  return rewrite(s.schema) as JsonSchema;
}

/** `a Host`, `an Account`: the article for a type name in a rule text. */
export const article = (word: string): string => `${/^[AEIO]/i.test(word) ? 'an' : 'a'} ${word}`;

/**
 * The rule an unknown group or indicator type breaks, naming every type that is accepted:
 * `an indicator type is one of ASN, Address, ... (ThreatConnect REST API: indicator types)`.
 * The content schema's type unions (codegen) and `Batch` use this one text.
 */
export function typeNameRule(kind: 'group' | 'indicator', names: readonly string[]): string {
  return `${article(kind)} type is one of ${names.join(', ')} (ThreatConnect REST API: ${kind} types)`;
}

/** Builder metadata of a custom indicator type: the `x-tc` keyword of its schema (a {@link TypeMeta} of an indicator). */
export type CustomTypeMeta = TypeMeta & {
  kind: 'indicator';
  /** Value slots `value1..3`, in order. */
  values: ValueInfo[];
  casePreference: string;
  custom: true;
};

/** The schema of one custom indicator type. */
export interface CustomTypeSchema {
  /** Path as if under `schemas/` (`custom/bankAccount.json`). */
  path: string;
  /** `$id`: {@link SCHEMA_BASE} + path. */
  id: string;
  /** The JSON schema (`x-tc` holds its {@link CustomTypeMeta}). */
  schema: JsonSchema;
}

/**
 * A `GET /v2/types/indicatorTypes` answer that cannot be read: not an object with a
 * `data.indicatorType` array, or a custom type without a value label. The callers wrap it into
 * their own error (codegen's message, `IndicatorTypesError`).
 */
export class IndicatorTypesAnswerError extends IndicatorTypesError {}

/** Class name, camelCase method name and argument names for a custom type name. */
export function customTypeNames(typeName: string): { className: string; method: string; arg: (label: string) => string } {
  const words = typeName.split(/[^A-Za-z0-9]+/).filter(Boolean);
  const className = words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('') || 'Custom';
  const camel = (s: string) => {
    const ws = s.split(/[^A-Za-z0-9]+/).filter(Boolean);
    const out = ws.map((w, i) => (i === 0 ? w.toLowerCase() : w[0]!.toUpperCase() + w.slice(1).toLowerCase())).join('');
    return /^[0-9]/.test(out) ? `v${out}` : out || 'value';
  };
  return { className: /^[0-9]/.test(className) ? `T${className}` : className, method: camel(typeName), arg: camel };
}

const truthy = (v: unknown) => v === true || v === 'true';

/** Members of the indicator builders a value accessor must not shadow (besides the common fields). */
const BUILDER_MEMBERS = new Set([
  'type', 'xid', 'kind', 'summary', 'values', 'ref', 'info', 'tags', 'attributes', 'securityLabels', 'tag', 'attribute',
  'securityLabel', 'association', 'validate', 'toJSON', 'addKeyValue', 'restoreState', 'attachStore', 'metadataChanged', 'constructor',
]);

/**
 * Schemas for the custom indicator types of a `GET /v2/types/indicatorTypes` answer
 * (ThreatConnect REST API: indicator types). A type is custom when its `custom` flag is true
 * (boolean or string) and no type of that name is in `known`. Its value slots come from
 * `value1Label..value3Label`; the instance's `regexes`, when given, become the summary rule.
 * Each schema refers to the common indicator fields by {@link INDICATOR_BASE_REF}. A value's
 * argument name is its label in camelCase (`Account Number` -> `accountNumber`), with `Value`
 * appended when that is a builder member or a common field (`Type` -> `typeValue`).
 *
 * @param response the parsed answer
 * @param known type names that already have a schema (the built-in indicator types)
 * @param baseFields the property names of `common/indicator-base.json` (the common fields)
 * @param takenMethods names an Interface 1 method may not have (the members of `Batch`): a type
 *   whose camelCase name is one gets `Indicator` appended (`Submit` -> `submitIndicator`)
 * @returns the schemas, in the answer's order
 * @throws IndicatorTypesAnswerError when the answer has no `data.indicatorType` array or a custom
 *   type has no value label
 */
export function customTypeSchemas(
  response: unknown,
  known: ReadonlySet<string>,
  baseFields: readonly string[],
  takenMethods: ReadonlySet<string> = new Set(),
): CustomTypeSchema[] {
  const taken = new Set([...BUILDER_MEMBERS, ...baseFields]);
  const list = (response as { data?: { indicatorType?: unknown } } | null | undefined)?.data?.indicatorType;
  if (!Array.isArray(list)) throw new IndicatorTypesAnswerError('the answer has no data.indicatorType array');
  const out: CustomTypeSchema[] = [];
  for (const raw of list as Array<Record<string, unknown> | null>) {
    if (raw === null || typeof raw !== 'object') continue;
    const typeName = typeof raw.name === 'string' ? raw.name : '';
    if (!typeName || known.has(typeName) || !truthy(raw.custom)) continue;
    const n = customTypeNames(typeName);
    while (takenMethods.has(n.method)) n.method = `${n.method}Indicator`;
    const labels = [raw.value1Label, raw.value2Label, raw.value3Label].filter((l): l is string => typeof l === 'string' && l !== '');
    if (labels.length === 0) throw new IndicatorTypesAnswerError(`custom indicator type "${typeName}" has no value1Label`);
    const values: ValueInfo[] = [];
    labels.forEach((label, i) => {
      let arg = n.arg(label);
      while (taken.has(arg) || values.some((v) => v.arg === arg)) arg = `${arg}Value`;
      values.push({ field: `value${i + 1}`, label, arg });
    });
    const regexes = Array.isArray(raw.regexes) ? (raw.regexes as unknown[]).filter((r): r is string => typeof r === 'string') : [];
    const valueSchema: JsonSchema = { type: 'string', minLength: 1, 'x-tc-rule': `${article(typeName)} value is a non-empty string` };
    const summary: JsonSchema =
      labels.length === 1
        ? { ...valueSchema }
        : {
            type: 'string',
            pattern: `^.+?${' ?: .*?'.repeat(labels.length - 1)}$`,
            'x-tc-rule': `${article(typeName)} summary joins ${labels.join(', ')} with ' : ' (ThreatConnect V2 Batch API: indicator fields)`,
          };
    if (regexes.length > 0) {
      summary.anyOf = regexes.map((r) => ({ pattern: r }));
      summary['x-tc-rule'] = `${article(typeName)} summary matches one of the instance's regexes for the type (GET /v2/types/indicatorTypes)`;
      // a 1-value type's value1 is the summary itself
      if (labels.length === 1) Object.assign(valueSchema, { anyOf: summary.anyOf, 'x-tc-rule': summary['x-tc-rule'] });
    }
    const path = `custom/${n.method}.json`;
    const props: JsonSchema = { type: { const: typeName }, summary };
    for (const v of values) props[v.field] = { ...valueSchema };
    const meta: CustomTypeMeta = {
      kind: 'indicator',
      type: typeName,
      method: n.method,
      className: n.className,
      apiBranch: typeof raw.apiBranch === 'string' ? raw.apiBranch : n.method,
      apiEntity: typeof raw.apiEntity === 'string' ? raw.apiEntity : n.method,
      values,
      casePreference: typeof raw.casePreference === 'string' ? raw.casePreference : 'sensitive',
      custom: true,
    };
    const schema: JsonSchema = {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: `${SCHEMA_BASE}${path}`,
      title: n.className,
      description: `Custom ThreatConnect indicator type ${typeName} (from GET /v2/types/indicatorTypes).`,
      type: 'object',
      allOf: [
        { $ref: INDICATOR_BASE_REF },
        {
          anyOf: [{ required: ['summary'] }, { required: values.map((v) => v.field) }],
          'x-tc-rule': `${article(typeName)} needs its value in summary or in ${values.map((v) => v.field).join(' and ')}`,
        },
      ],
      properties: props,
      required: ['type'],
      unevaluatedProperties: false,
      'x-tc': meta,
    };
    out.push({ path, id: schema.$id as string, schema });
  }
  return out;
}

/**
 * The catalogue entry of a custom type, as codegen writes it into `generated/catalog.ts` for a
 * custom type of this repository's own `--indicator-types` run.
 *
 * @param baseFields the fields every indicator type has (the catalogue's `indicatorBaseFields`);
 *   the type's own value slots (`value1..3`) are left out, as codegen leaves them out
 */
export function customTypeInfo(s: CustomTypeSchema, baseFields: Readonly<Record<string, FieldInfo>>): IndicatorTypeInfo {
  const meta = s.schema['x-tc'] as CustomTypeMeta;
  const own = new Set(meta.values.map((v) => v.field));
  const fields = Object.fromEntries(Object.entries(baseFields).filter(([, f]) => !own.has(f.wire)));
  return {
    kind: 'indicator',
    type: meta.type,
    method: meta.method,
    className: meta.className,
    apiBranch: meta.apiBranch,
    apiEntity: meta.apiEntity,
    schema: s.path,
    values: meta.values,
    casePreference: meta.casePreference,
    custom: true,
    partialValues: false,
    occurrences: false,
    fields,
  };
}
