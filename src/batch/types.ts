/**
 * The type registry: the built-in group and indicator types (the generated catalogue, validators
 * and builder classes) plus an instance's custom indicator types, which a `Batch`,
 * `validateBatchContent` and the emulator are given as an {@link IndicatorTypeSet}.
 *
 * A set comes from `tcbatch codegen` (a module in the user's project, with typed builders and
 * standalone validators) or from `loadIndicatorTypes` (compiled at run time from an instance's
 * `GET /v2/types/indicatorTypes` answer). Nothing is global: two batches may use different sets.
 */
import { IndicatorTypesError } from '../errors.js';
import { groupTypes, indicatorTypes } from '../../generated/catalog.js';
import { groupValidators, indicatorValidators } from '../../generated/validators/index.js';
import type { GroupTypeInfo, IndicatorTypeInfo } from '../model/catalog-types.js';
import type { IndicatorBuilder, IndicatorBuilderClass } from '../model/builder.js';
import type { ValidationResult } from '../model/validation.js';

/** A validator of one wire item: `{ valid, value }` or `{ valid: false, issues }`. */
export type ItemValidator = (data: unknown) => ValidationResult<unknown>;

/** One custom indicator type: catalogue entry, builder class and validator. */
export interface CustomIndicatorType<B extends IndicatorBuilder = IndicatorBuilder> {
  /** Catalogue entry, the shape of the generated `indicatorTypes` entries (`custom: true`). */
  readonly info: IndicatorTypeInfo;
  /** Builder class (Interfaces 1 and 2); its static `info` is {@link info} and its static `validator` is {@link validate}. */
  readonly builder: IndicatorBuilderClass<B> & { readonly validator: ItemValidator };
  /** Validator of a wire item of the type (Interface 3, `validateBatchContent`, the emulator). */
  readonly validate: ItemValidator;
  /** The type's entry in the `GET /v2/types/indicatorTypes` answer it was made from (the emulator serves it as is). */
  readonly entry?: Readonly<Record<string, unknown>>;
}

/** Custom indicator types by wire type name. */
export type CustomIndicatorTypes = Readonly<Record<string, CustomIndicatorType>>;

declare const METHODS: unique symbol;

/**
 * A set of custom indicator types to give to `new Batch({ types })`, `validateBatchContent(data,
 * { types })` and `startEmulator({ indicatorTypes })`. `M` is the type of the Interface 1 methods
 * the set adds to a `Batch` (`bankAccount(...)`), written by `tcbatch codegen`; a set made at run
 * time by `loadIndicatorTypes` has none at the type level (its types are used through Interfaces
 * 2 and 3; the methods exist at run time).
 */
export interface IndicatorTypeSet<I extends CustomIndicatorTypes = CustomIndicatorTypes, M = unknown> {
  /** The custom types by wire type name. */
  readonly indicators: I;
  /** Type-level only: the Interface 1 methods of the set. */
  readonly [METHODS]?: M;
}

/** Builder instance type by custom type name of a set. */
export type CustomBuilderMap<T extends IndicatorTypeSet> = {
  [K in keyof T['indicators']]: T['indicators'][K] extends CustomIndicatorType<infer B> ? B : never;
};

/** The Interface 1 methods of a set (`{}` for none). */
export type CustomMethods<T> = T extends IndicatorTypeSet<CustomIndicatorTypes, infer M> ? (unknown extends M ? {} : M) : {};

/**
 * Check and freeze a set of custom indicator types (the generated module calls this; so does
 * `loadIndicatorTypes`).
 *
 * @param indicators the custom types by wire type name
 * @throws IndicatorTypesError when a name is a built-in type, an entry's `info.type` differs from
 *   its name, the builder's `info` is not the entry's, or two types share a method name
 */
export function defineIndicatorTypes<I extends CustomIndicatorTypes, M = unknown>(indicators: I): IndicatorTypeSet<I, M> {
  const methods = new Map<string, string>(Object.values(indicatorTypes).map((t) => [t.method, t.type]));
  for (const [name, t] of Object.entries(indicators)) {
    const fail = (why: string): never => {
      throw new IndicatorTypesError(`custom indicator type ${JSON.stringify(name)}: ${why}`);
    };
    if (!t || typeof t !== 'object' || !t.info || typeof t.builder !== 'function' || typeof t.validate !== 'function') fail('needs info, builder and validate');
    if (Object.hasOwn(indicatorTypes, name) || Object.hasOwn(groupTypes, name)) fail('is a built-in type');
    if (t.info.kind !== 'indicator' || t.info.type !== name) fail(`its info.type is ${JSON.stringify(t.info.type)}`);
    if (t.builder.info !== t.info) fail("its builder's info is not the type's info");
    const other = methods.get(t.info.method);
    if (other !== undefined) fail(`its method ${t.info.method}() is already the method of ${other}`);
    methods.set(t.info.method, name);
  }
  return Object.freeze({ indicators: Object.freeze({ ...indicators }) }) as IndicatorTypeSet<I, M>;
}

const builtInIndicators = indicatorTypes as Record<string, IndicatorTypeInfo>;
const builtInGroups = groupTypes as Record<string, GroupTypeInfo>;
const builtInValidators: Record<'group' | 'indicator', Record<string, ItemValidator>> = { group: groupValidators, indicator: indicatorValidators };

/**
 * Looks type names up: the built-in types first, then the custom ones of a set. Group types are
 * always the built-in ones (ThreatConnect has no custom group types).
 */
export class TypeLookup {
  /** The custom types (none for {@link BUILT_IN_TYPES}). */
  readonly custom: CustomIndicatorTypes;

  /** @param set the custom types, if any */
  constructor(set?: IndicatorTypeSet) {
    this.custom = set?.indicators ?? {};
  }

  /** The catalogue entry of a group type, or undefined. */
  group(type: unknown): GroupTypeInfo | undefined {
    return typeof type === 'string' && Object.hasOwn(builtInGroups, type) ? builtInGroups[type] : undefined;
  }

  /** The catalogue entry of a built-in or custom indicator type, or undefined. */
  indicator(type: unknown): IndicatorTypeInfo | undefined {
    if (typeof type !== 'string') return undefined;
    if (Object.hasOwn(builtInIndicators, type)) return builtInIndicators[type];
    return Object.hasOwn(this.custom, type) ? this.custom[type]!.info : undefined;
  }

  /** The entry of a group or indicator type. */
  info(kind: 'group' | 'indicator', type: unknown): GroupTypeInfo | IndicatorTypeInfo | undefined {
    return kind === 'group' ? this.group(type) : this.indicator(type);
  }

  /** The validator of a type's wire items, or undefined for an unknown type. */
  validator(kind: 'group' | 'indicator', type: unknown): ItemValidator | undefined {
    if (typeof type !== 'string') return undefined;
    const builtIn = builtInValidators[kind];
    if (Object.hasOwn(builtIn, type)) return builtIn[type];
    return kind === 'indicator' && Object.hasOwn(this.custom, type) ? this.custom[type]!.validate : undefined;
  }

  /** The builder class of a custom indicator type, or undefined (built-in classes: `indicatorBuilders`). */
  customBuilder(type: string): IndicatorBuilderClass | undefined {
    return Object.hasOwn(this.custom, type) ? this.custom[type]!.builder : undefined;
  }

  /** Every accepted type name of a kind, sorted as the catalogue is (built-in and custom together). */
  names(kind: 'group' | 'indicator'): string[] {
    return kind === 'group' ? Object.keys(builtInGroups) : [...Object.keys(builtInIndicators), ...Object.keys(this.custom)].sort();
  }

  /** Whether the set adds any type. */
  get hasCustom(): boolean {
    return Object.keys(this.custom).length > 0;
  }
}

/** The built-in types only. */
export const BUILT_IN_TYPES = new TypeLookup();

/** A lookup for a set (the shared built-in one when there is none). */
export function typeLookup(set: IndicatorTypeSet | undefined): TypeLookup {
  return set === undefined || Object.keys(set.indicators).length === 0 ? BUILT_IN_TYPES : new TypeLookup(set);
}
