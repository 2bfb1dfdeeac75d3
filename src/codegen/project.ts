/**
 * `tcbatch codegen`: typed builders, standalone validators and types for an instance's custom
 * indicator types, written into a folder of the user's project. The files import tcbatch by
 * package name only (`tcbatch`, `tcbatch/types`), never by a path into it, so they compile in any
 * project that depends on tcbatch (ES modules or CommonJS, through the project's own TypeScript).
 *
 * Output (every file starts with the codegen header):
 * - `catalog.ts`: the catalogue entries of the custom types (the shape of `indicatorTypes`);
 * - `types.ts`: their wire types (`BankAccount`);
 * - `standalone.ts`: ajv's standalone validator code (`// @ts-nocheck`, no imports);
 * - `validators.ts`: typed validators (`validateBankAccount`);
 * - `builders.ts`: builder classes and the Interface 1 methods (`bankAccount(...)`);
 * - `index.ts`: `customTypes`, the set for `new Batch({ types: customTypes })`.
 *
 * Uses only tcbatch's runtime dependencies (ajv): no formatter, template engine or TypeScript
 * compiler; the code is written laid out. Imports are collected per module by {@link Imports}.
 */
import { createHash } from 'node:crypto';
import standaloneModule from 'ajv/dist/standalone/index.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { indicatorBaseFields } from '../../generated/catalog.js';
import { customTypeInfo, type CustomTypeSchema, type JsonSchema } from '../model/custom-types.js';
import type { IndicatorTypeInfo } from '../model/catalog-types.js';
import { answerEntry, answerSchemas } from '../batch/load-types.js';
import { packageVersion } from '../package-root.js';
import { customTypesAjv } from '../batch/compile-types.js';
import { HEADER, type OutputFiles } from '../emit/files.js';
import { SET_TYPES, quote as lit, prop as propOf, typeOf as typeOfField, type TypedField } from '../emit/ts-types.js';

const prop = (v: string) => propOf(v, lit);
const typeOf = (f: TypedField, table: Readonly<Record<string, string>>) => typeOfField(f, table, lit);

const standaloneCode = ((standaloneModule as unknown as { default?: unknown }).default ?? standaloneModule) as (
  ajv: Ajv2020,
  refs: Record<string, string>,
) => string;

/** The package name the generated files import. */
export const PACKAGE = 'tcbatch';

/**
 * The import lines of one generated module: names (and type-only names) collected per module
 * specifier, written sorted, one line per module, so no emitter writes import text by hand.
 */
export class Imports {
  readonly #modules = new Map<string, Map<string, boolean>>();

  /** Import `name` from `from`; `typeOnly` names are written `type X` (a value import wins). */
  add(from: string, name: string, typeOnly = false): this {
    const names = this.#modules.get(from) ?? new Map<string, boolean>();
    names.set(name, (names.get(name) ?? true) && typeOnly);
    this.#modules.set(from, names);
    return this;
  }

  /** The import statements: package imports first, then relative ones, each sorted. */
  toString(): string {
    const order = (m: string) => (m.startsWith('.') ? 1 : 0);
    return [...this.#modules.entries()]
      .sort(([a], [b]) => order(a) - order(b) || (a < b ? -1 : a > b ? 1 : 0))
      .map(([from, names]) => {
        const list = [...names.entries()].sort(([a], [b]) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1));
        if (list.every(([, t]) => t)) return `import type { ${list.map(([n]) => n).join(', ')} } from '${from}';`;
        return `import { ${list.map(([n, t]) => (t ? `type ${n}` : n)).join(', ')} } from '${from}';`;
      })
      .join('\n');
  }
}

/** One custom type as the emitters see it. */
interface TypeView {
  schema: CustomTypeSchema;
  info: IndicatorTypeInfo;
  /** `validateBankAccount` */
  validator: string;
  /** `BankAccountBuilder` */
  builder: string;
  /** The type's entry in the answer. */
  entry: Record<string, unknown> | undefined;
}

/** Options of {@link generateProject}. */
export interface ProjectCodegenOptions {
  /** The version written into the header (default: this package's). */
  version?: string;
  /** How an error names the answer (default `GET /v2/types/indicatorTypes answer`; a file: its path). */
  origin?: string;
}

const doc = (lines: string[], indent = ''): string => [`${indent}/**`, ...lines.map((l) => `${indent} * ${l}`.trimEnd()), `${indent} */`].join('\n');

/**
 * The header: the marker, then the hash of the custom types (what the answer holds about them:
 * a file and the instance give the same output) and the tcbatch version.
 */
function fileHeader(hash: string, version: string, what: string): string {
  return `${HEADER}\n// From a GET /v2/types/indicatorTypes answer (custom types sha256 ${hash.slice(0, 16)}) by tcbatch codegen ${version}. Run \`tcbatch codegen\` to update.\n\n${doc([what])}\n`;
}

/** The wire type of a custom type, from its schema's properties (`type` literal, string values). */
function wireType(t: TypeView): string {
  const props = (t.schema.schema.properties ?? {}) as Record<string, JsonSchema>;
  const lines = Object.entries(props).map(([name, p]) => {
    if (typeof p.const === 'string') return `  ${prop(name)}: ${lit(p.const)};`;
    if (p.type === 'string') return `  ${prop(name)}?: string;`;
    throw new Error(`codegen: ${t.schema.path}: cannot type the property ${name}`);
  });
  return [
    `/** A ${lit(t.info.type)} indicator in a batch content file (custom type of the instance). */`,
    `export type ${t.info.className} = IndicatorBase & {`,
    ...lines,
    '};',
  ].join('\n');
}

function catalogFile(types: TypeView[], head: string): string {
  const imports = new Imports().add(PACKAGE, 'IndicatorTypeInfo', true);
  const entries = Object.fromEntries(types.map((t) => [t.info.type, t.info]));
  return `${head}${imports}

/** The custom indicator types by wire type name (the shape of tcbatch's \`indicatorTypes\`). */
export const indicatorTypes = ${JSON.stringify(entries, null, 2)} as const satisfies Record<string, IndicatorTypeInfo>;

/** A custom indicator type name. */
export type CustomIndicatorTypeName = keyof typeof indicatorTypes;

/** The types' entries in the \`GET /v2/types/indicatorTypes\` answer they were made from (the emulator serves them). */
export const answerEntries = ${JSON.stringify(Object.fromEntries(types.map((t) => [t.info.type, t.entry ?? {}])), null, 2)} as const;
`;
}

function typesFile(types: TypeView[], head: string): string {
  const imports = new Imports().add(`${PACKAGE}/types`, 'IndicatorBase', true);
  return `${head}${imports}

${types.map(wireType).join('\n\n')}

/** Any custom indicator. */
export type AnyCustomIndicator = ${types.map((t) => t.info.className).join(' | ')};
`;
}

function validatorsFile(types: TypeView[], head: string): string {
  const imports = new Imports().add(PACKAGE, 'runValidator').add(PACKAGE, 'RawValidator', true).add(PACKAGE, 'ValidationResult', true).add('./types.js', 'T', true);
  const rawType = `{ ${types.map((t) => `readonly ${t.validator}: RawValidator`).join('; ')} }`;
  return `${head}${imports.toString().replace("import type { T } from './types.js';", "import type * as T from './types.js';")}
import * as standalone from './standalone.js';

/** The standalone validators (ajv code, see \`./standalone.ts\`). */
const raw = standalone as unknown as ${rawType};

${types
  .map(
    (t) => `/** Validate a ${lit(t.info.type)} indicator (custom type) against its schema; every issue names its JSON pointer and rule. */
export function ${t.validator}(data: unknown): ValidationResult<T.${t.info.className}> {
  return runValidator<T.${t.info.className}>(raw.${t.validator}, data);
}`,
  )
  .join('\n\n')}

/** The validators by custom type name. */
export const indicatorValidators = {
${types.map((t) => `  ${lit(t.info.type)}: ${t.validator},`).join('\n')}
} as const;
`;
}

function builderClass(t: TypeView): string {
  const info = t.info;
  const n = info.values.length;
  const fields = Object.values(info.fields);
  const keys = [...new Set(fields.flatMap((f) => [f.name, f.wire]))].sort();
  const valueList = info.values.map((v) => v.label).join(', ');
  const out: string[] = [];
  out.push(`/** Field names \`addKeyValue\` takes for ${lit(info.type)} (API and wire names). */`);
  out.push(`export type ${info.className}Key = ${keys.length > 0 ? keys.map(lit).join(' | ') : 'never'};`, '');
  out.push(`/** Options-object form of \`batch.${info.method}()\`. */`, `export interface ${info.className}Options {`);
  if (n === 1) out.push(`  ${prop(info.values[0]!.arg)}: string;`);
  else for (const v of info.values) out.push(`  ${prop(v.arg)}?: string;`);
  for (const f of fields) out.push(`  ${prop(f.name)}?: ${typeOf(f, SET_TYPES)};`);
  out.push('  /** Omitted or true: derived from type and summary; false: random; or the xid itself. */', '  xid?: XidInput;', '}', '');
  out.push(`/** Builder of a ${lit(info.type)} indicator (custom type of the instance). */`, `export class ${t.builder} extends IndicatorFields {`);
  out.push('  /** Catalogue entry of the type. */', `  static readonly info = indicatorTypes[${lit(info.type)}];`);
  out.push('  /** Validator of the type: the builder checks every change with it. */', `  static readonly validator = ${t.validator};`, '');
  out.push(`  /** @param values ${valueList} in order @param xid see {@link XidInput} */`);
  out.push('  constructor(values: ReadonlyArray<string | undefined>, xid?: XidInput) {', `    super(${t.builder}.info, values, xid);`, '  }');
  info.values.forEach((v, i) => {
    out.push('', `  /** ${v.label} (value ${i + 1} of the summary). */`, `  get ${v.arg}(): string | undefined {`, `    return this.values[${i}];`, '  }');
    if (n > 1) out.push(`  set ${v.arg}(value: string | undefined) {`, `    this.setValue(${i}, value);`, '  }');
  });
  out.push('', '  /** Set a field by API or wire name (seed Interface 2). */', `  override addKeyValue(key: ${info.className}Key, value: unknown): this {`, '    return super.addKeyValue(key, value);', '  }', '}');
  return out.join('\n');
}

function methodSignatures(t: TypeView): string {
  const info = t.info;
  const positional = [...info.values.map((v) => `${v.arg}: string`), 'rating?: RatingInput', 'confidence?: ConfidenceInput', 'xid?: XidInput'].join(', ');
  return `${doc(
    [
      `Add a ${lit(info.type)} indicator (rating 0-5, confidence 0-100). Returns the stored builder:`,
      'the existing one when its xid is already in the batch (first write wins).',
      '@throws ValidationError when a value breaks a ThreatConnect rule or the instance\'s regexes.',
    ],
    '  ',
  )}
  ${info.method}(${positional}): ${t.builder};
  ${info.method}(options: ${info.className}Options): ${t.builder};`;
}

function buildersFile(types: TypeView[], head: string): string {
  const imports = new Imports()
    .add(PACKAGE, 'IndicatorFields')
    .add(PACKAGE, 'ConfidenceInput', true)
    .add(PACKAGE, 'RatingInput', true)
    .add(PACKAGE, 'XidInput', true)
    .add('./catalog.js', 'indicatorTypes');
  const kinds = new Set(types.flatMap((t) => Object.values(t.info.fields).map((f) => typeOf(f, SET_TYPES))));
  if (kinds.has('DateInput')) imports.add(PACKAGE, 'DateInput', true);
  for (const t of types) imports.add('./validators.js', t.validator);
  return `${head}${imports}

${types.map(builderClass).join('\n\n')}

/** The Interface 1 methods the custom types add to a \`Batch\` made with \`types: customTypes\`. */
export interface CustomTypeMethods {
${types.map(methodSignatures).join('\n\n')}
}

/** Builder class by custom type name. */
export const indicatorBuilders = {
${types.map((t) => `  ${lit(t.info.type)}: ${t.builder},`).join('\n')}
} as const;
`;
}

function indexFile(types: TypeView[], head: string): string {
  const imports = new Imports()
    .add(PACKAGE, 'defineIndicatorTypes')
    .add(PACKAGE, 'CustomIndicatorType', true)
    .add('./catalog.js', 'answerEntries')
    .add('./catalog.js', 'indicatorTypes')
    .add('./builders.js', 'CustomTypeMethods', true);
  for (const t of types) imports.add('./builders.js', t.builder).add('./validators.js', t.validator);
  return `${head}${imports}

/** The custom types of {@link customTypes}, each with its builder class. */
export type CustomTypes = {
${types.map((t) => `  readonly ${lit(t.info.type)}: CustomIndicatorType<${t.builder}>;`).join('\n')}
};

${doc([
  "The instance's custom indicator types:",
  '- `new Batch({ owner, types: customTypes })`: typed Interface 1 methods',
  `  (\`batch.${types[0]!.info.method}(...)\`), and the type names in \`batch.indicator(...)\` and \`batch.addIndicator(...)\`;`,
  '- `validateBatchContent(data, { types: customTypes })`: content with these indicators;',
  '- `startEmulator({ indicatorTypes: customTypes })` (tcbatch/emulator): a local server that accepts them.',
])}
export const customTypes = defineIndicatorTypes<CustomTypes, CustomTypeMethods>({
${types
  .map((t) => `  ${lit(t.info.type)}: {\n    info: indicatorTypes[${lit(t.info.type)}],\n    builder: ${t.builder},\n    validate: ${t.validator},\n    entry: answerEntries[${lit(t.info.type)}],\n  },`)
  .join('\n')}
});

export * from './builders.js';
export * from './catalog.js';
export * from './validators.js';
export type { ${['AnyCustomIndicator', ...types.map((t) => t.info.className)].join(', ')} } from './types.js';
`;
}

/**
 * The files `tcbatch codegen` writes for the custom types of an indicatorTypes answer.
 *
 * @param answer the parsed `GET /v2/types/indicatorTypes` answer
 * @returns the files by name (empty when the answer has no custom type)
 * @throws IndicatorTypesError when the answer is not an indicatorTypes answer
 */
export function generateProject(answer: unknown, options: ProjectCodegenOptions = {}): OutputFiles {
  const schemas = options.origin === undefined ? answerSchemas(answer) : answerSchemas(answer, options.origin);
  const out: OutputFiles = new Map();
  if (schemas.length === 0) return out;
  const types: TypeView[] = schemas.map((s) => {
    const info = customTypeInfo(s, indicatorBaseFields);
    return { schema: s, info, validator: `validate${info.className}`, builder: `${info.className}Builder`, entry: answerEntry(answer, info.type) };
  });
  const entries = Object.fromEntries(types.map((t) => [t.info.type, t.entry ?? {}]));
  const hash = createHash('sha256').update(JSON.stringify([schemas, entries])).digest('hex');
  const version = options.version ?? packageVersion;
  const head = (what: string) => fileHeader(hash, version, what);

  const ajv = customTypesAjv(schemas, true);
  const js = standaloneCode(ajv, Object.fromEntries(types.map((t) => [t.validator, t.schema.id]))).trimEnd();
  out.set('catalog.ts', catalogFile(types, head('Catalogue entries of the custom indicator types.')));
  out.set('types.ts', typesFile(types, head('Wire types of the custom indicator types (the shape of their schemas).')));
  out.set(
    'standalone.ts',
    `${head("Standalone ajv validators of the custom indicator types (ajv's code, self-contained; not type-checked).")}// @ts-nocheck\n/* eslint-disable */\n${js}\n`,
  );
  out.set('validators.ts', validatorsFile(types, head('Typed validators of the custom indicator types, over `./standalone.ts`.')));
  out.set('builders.ts', buildersFile(types, head('Builder classes of the custom indicator types and their Interface 1 methods.')));
  out.set('index.ts', indexFile(types, head('The custom indicator types of the instance, for `new Batch({ types: customTypes })`.')));
  return out;
}
