/**
 * Step: builder classes and the typed Interface 1 methods, `builders/index.ts`, from the
 * handlebars template `templates/builders.hbs` over a view of the catalogue data. The template
 * holds no per-type code: everything per type comes from the schemas' `x-tc` and properties.
 */
import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { formatCode, type OutputFiles } from './emit.js';
import { fieldsOf } from './catalog.js';
import { article, type Json, type SchemaSet } from './load.js';
import { importLine } from './modules.js';
import { GET_TYPES, SET_TYPES, lit, prop, typeOf } from './ts-types.js';

const template = Handlebars.compile(readFileSync(new URL('./templates/builders.hbs', import.meta.url), 'utf8'), {
  noEscape: true,
  strict: false,
});

/** Members of the builder bases that a field accessor must not shadow. */
const RESERVED = new Set(['type', 'xid', 'name', 'summary', 'values', 'ref', 'info', 'tags', 'attributes', 'securityLabels', 'content', 'validate', 'association', 'schema']);

type FieldView = ReturnType<typeof fieldsOf>[string];

/** Getter/setter view of the settable, documented fields. */
function accessorsOf(fields: readonly FieldView[]) {
  return fields
    .filter((f) => !f.tolerated && !RESERVED.has(f.name))
    .map((f) => ({
      name: f.name,
      nameJson: lit(f.name),
      doc: f.wire === f.name ? `\`${f.wire}\` (${f.kind}).` : `\`${f.name}\`, written as \`${f.wire}\` (${f.kind}).`,
      getType: typeOf(f, GET_TYPES),
      setType: typeOf(f, SET_TYPES),
      isContent: f.kind === 'fileContent',
    }));
}

/** Emit `builders/index.ts` into `out`. */
export async function emitBuilders(set: SchemaSet, head: string, out: OutputFiles): Promise<void> {
  const base = (p: string) => set.files.find((f) => f.path === p) ?? fail(`${p} is missing`);
  // Accessors of the fields every group (indicator) has live once, in a generated common base.
  const common = {
    group: accessorsOf(Object.values(fieldsOf(base('common/group-base.json'), undefined, new Set()))),
    indicator: accessorsOf(Object.values(fieldsOf(base('common/indicator-base.json'), undefined, new Set()))),
  };
  const inCommon = (kind: 'group' | 'indicator', a: ReturnType<typeof accessorsOf>[number]) =>
    common[kind].some((c) => JSON.stringify(c) === JSON.stringify(a));
  const types = set.types.map((t) => {
    const isGroup = t.kind === 'group';
    const values = t.values ?? [];
    const fields = fieldsOf(t.file, base(isGroup ? 'common/group-base.json' : 'common/indicator-base.json'), new Set(values.map((v) => v.field)));
    const all = Object.values(fields);
    const accessors = accessorsOf(all).filter((a) => !inCommon(t.kind, a));
    const keys = [...new Set(all.flatMap((f) => [f.name, f.wire]))].sort();
    const groupArgs = (t.args ?? []).map((a) => fields[a] ?? fail(`${t.file.path}: x-tc args "${a}" is not a field`));
    const required = isGroup
      ? [{ prop: 'name', setType: 'string' }, ...groupArgs.map((f) => ({ prop: prop(f.name), setType: typeOf(f, SET_TYPES) }))]
      : values.length === 1
        ? [{ prop: prop(values[0]!.arg), setType: 'string' }]
        : [];
    const requiredNames = new Set(required.map((r) => r.prop));
    const optional = [
      ...(isGroup || values.length === 1 ? [] : values.map((v) => ({ prop: prop(v.arg), setType: 'string' }))),
      ...all.filter((f) => !requiredNames.has(prop(f.name))).map((f) => ({ prop: prop(f.name), setType: typeOf(f, SET_TYPES) })),
    ];
    const positional = isGroup
      ? ['name: string', ...groupArgs.map((f) => `${f.name}: ${typeOf(f, SET_TYPES)}`), 'xid?: XidInput'].join(', ')
      : [
          ...values.map((v) => (t.partialValues ? `${v.arg}?: string` : `${v.arg}: string`)),
          'rating?: RatingInput',
          'confidence?: ConfidenceInput',
          'xid?: XidInput',
        ].join(', ');
    return {
      className: t.className,
      method: t.method,
      typeJson: lit(t.type),
      articleType: article(t.type).split(' ')[0],
      kind: t.kind,
      isGroup,
      schema: t.file.path,
      base: isGroup ? 'GroupFields' : 'IndicatorFields',
      catalog: isGroup ? 'groupTypes' : 'indicatorTypes',
      factory: isGroup ? 'createGroup' : 'createIndicator',
      keyUnion: keys.length > 0 ? keys.map(lit).join(' | ') : 'never',
      required,
      optional,
      accessors,
      values: values.map((v, i) => ({ arg: v.arg, label: v.label, index: i, index1: i + 1, settable: values.length > 1 })),
      valueList: values.map((v) => v.label).join(', '),
      occurrences: ((t.file.schema.properties ?? {}) as Json).fileOccurrence !== undefined,
      positional,
    };
  });
  const from = 'builders/index.ts';
  const indicatorBase = fieldsOf(base('common/indicator-base.json'), undefined, new Set(), set.files);
  const range = (f: FieldView | undefined) => (f?.minimum !== undefined && f.maximum !== undefined ? `${f.name} ${f.minimum}-${f.maximum}` : undefined);
  const code = template({
    header: head,
    indicatorNote: [range(indicatorBase.rating), range(indicatorBase.confidence)].filter(Boolean).join(', '),
    imports: [
      importLine(from, 'builder', ['GroupBuilder', 'IndicatorBuilder', 'type AnyValidator', 'type BuilderSchema', 'type GroupBuilderClass', 'type IndicatorBuilderClass', 'type XidInput', 'type FileContent']),
      importLine(from, 'validators', ['groupValidators', 'indicatorValidators', 'metadataValidators']),
      importLine(from, 'metadata', ['FileOccurrence'], true),
      importLine(from, 'dates', ['DateInput'], true),
      importLine(from, 'values', ['RatingInput', 'ConfidenceInput'], true),

      importLine(from, 'catalog', ['groupTypes', 'indicatorTypes', 'metadataTypes']),
    ].join('\n'),
    commonGroup: common.group,
    commonIndicator: common.indicator,
    types,
    groups: types.filter((t) => t.isGroup),
    indicators: types.filter((t) => !t.isGroup),
  });
  out.set('builders/index.ts', await formatCode(code));
}

function fail(msg: string): never {
  throw new Error(`codegen: ${msg}`);
}
