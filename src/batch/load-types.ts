/**
 * `loadIndicatorTypes`: an instance's custom indicator types registered at run time, without
 * codegen. Reads a `GET /v2/types/indicatorTypes` answer (from the instance through a
 * {@link TcClient}, from a file, or given), makes each custom type's schema, compiles it with ajv
 * and makes its builder class. The set it returns is given to `new Batch({ types })`,
 * `validateBatchContent(data, { types })` and the emulator, which then accept those types through
 * Interfaces 2 and 3 (and the Interface 1 method at run time: `batch['bankAccount'](...)`).
 * For typed Interface 1 methods, use `tcbatch codegen` instead.
 */
import { readFile } from 'node:fs/promises';
import { IndicatorTypesError } from '../errors.js';
import { indicatorBaseFields, indicatorTypes } from '../../generated/catalog.js';
import { IndicatorFields } from '../../generated/builders/index.js';
import { bundle } from '../../generated/schemas/bundle.js';
import { runValidator, type RawValidator } from '../model/validation.js';
import type { IndicatorTypeInfo } from '../model/catalog-types.js';
import { customTypeInfo, customTypeSchemas, IndicatorTypesAnswerError, type CustomTypeSchema } from '../model/custom-types.js';
import type { XidInput } from '../model/builder.js';
import type { TcClient } from '../client/client.js';
import { batchMemberNames } from './batch.js';
import { defineIndicatorTypes, type CustomIndicatorType, type IndicatorTypeSet, type ItemValidator } from './types.js';

/** A builder class made at run time for a custom indicator type. */
export type RuntimeBuilderClass = CustomIndicatorType['builder'];

/**
 * The builder class of a custom indicator type made at run time: the common indicator fields
 * (`rating`, `confidence`, `description`, ...), and one accessor per value slot named by its
 * argument (`accountNumber`).
 *
 * @param info the type's catalogue entry
 * @param validator the type's validator (checked by the builder on every change)
 */
export function customBuilderClass(info: IndicatorTypeInfo, validator: ItemValidator): RuntimeBuilderClass {
  class CustomIndicatorBuilder extends IndicatorFields {
    static readonly info = info;
    static readonly validator = validator;
    /** @param values the value slots in order @param xid see {@link XidInput} */
    constructor(values: ReadonlyArray<string | undefined>, xid?: XidInput) {
      super(info, values, xid);
    }
    static {
      info.values.forEach((slot, i) => {
        Object.defineProperty(this.prototype, slot.arg, {
          get(this: CustomIndicatorBuilder) {
            return this.values[i];
          },
          // a value is part of the item's identity: only an empty slot can be filled (a ValidationError otherwise)
          set(this: CustomIndicatorBuilder, value: string | undefined) {
            this.setValue(i, value);
          },
          configurable: true,
        });
      });
    }
  }
  Object.defineProperty(CustomIndicatorBuilder, 'name', { value: `${info.className}Builder` });
  return CustomIndicatorBuilder;
}

/** The property names of the common indicator fields (`common/indicator-base.json` in the bundle). */
export const INDICATOR_BASE_PROPERTIES: readonly string[] = Object.keys(
  (bundle.$defs as unknown as Record<string, { properties: Record<string, unknown> }>)['common.indicator-base']!.properties,
);

/**
 * The custom type schemas of an answer (types not built into tcbatch), sorted by type name (a
 * file and the instance may list them in different orders).
 * @param origin how an error names the answer (for a file: its path)
 * @throws IndicatorTypesError when the answer is not one, its message starting with `origin`
 */
export function answerSchemas(answer: unknown, origin = 'GET /v2/types/indicatorTypes answer'): CustomTypeSchema[] {
  try {
    const schemas = customTypeSchemas(answer, new Set(Object.keys(indicatorTypes)), INDICATOR_BASE_PROPERTIES, batchMemberNames());
    const name = (s: CustomTypeSchema) => (s.schema['x-tc'] as { type: string }).type;
    return schemas.sort((a, b) => (name(a) < name(b) ? -1 : name(a) > name(b) ? 1 : 0));
  } catch (e) {
    if (e instanceof IndicatorTypesAnswerError) throw new IndicatorTypesError(`${origin}: ${e.message}`);
    throw e;
  }
}

/** The entry of `type` in an answer's `data.indicatorType` list (a copy), if there is one. */
export function answerEntry(answer: unknown, type: string): Record<string, unknown> | undefined {
  const list = (answer as { data?: { indicatorType?: unknown } } | null)?.data?.indicatorType;
  const found = Array.isArray(list) ? (list as unknown[]).find((e) => (e as { name?: unknown } | null)?.name === type) : undefined;
  return found !== null && typeof found === 'object' ? (structuredClone(found) as Record<string, unknown>) : undefined;
}

/** Where {@link loadIndicatorTypes} reads the answer: a client, a file path, or the parsed answer. */
export type IndicatorTypesSource = Pick<TcClient, 'indicatorTypes'> | string | object;

async function readAnswer(source: IndicatorTypesSource, signal?: AbortSignal): Promise<unknown> {
  if (typeof source === 'string') {
    let text: string;
    try {
      text = await readFile(source, 'utf8');
    } catch (e) {
      throw new IndicatorTypesError(`cannot read ${source}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { cause: e });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      throw new IndicatorTypesError(`${source} is not JSON: ${(e as Error).message}`, { cause: e });
    }
  }
  if (source !== null && typeof source === 'object' && typeof (source as Partial<TcClient>).indicatorTypes === 'function') {
    return (source as Pick<TcClient, 'indicatorTypes'>).indicatorTypes({ signal });
  }
  return source;
}

/**
 * Register an instance's custom indicator types at run time.
 *
 * ```ts
 * const types = await loadIndicatorTypes(client); // GET /v2/types/indicatorTypes
 * const batch = new Batch({ owner: 'MyOrg', client, types });
 * batch.indicator('Bank Account', '12345678 : 021000021 : Example Bank');
 * batch.addIndicator({ type: 'Bank Account', summary: '...', xid: 'ba-1' });
 * validateBatchContent(payload, { types });
 * ```
 *
 * Types already built into tcbatch are skipped (the answer lists them too). Each custom type's
 * value slots come from `value1Label..value3Label`, its summary rule from the instance's `regexes`
 * (ThreatConnect REST API: indicator types). The validators are compiled with ajv (about half a
 * second for the first call of a process).
 *
 * @param source a {@link TcClient} (asks the instance, with the client's credentials and retries),
 *   the path of a file holding the answer, or the parsed answer
 * @param options `signal` cancels the request
 * @returns the set of custom types (empty when the instance has none)
 * @throws IndicatorTypesError when the answer is not an indicatorTypes answer or the file cannot
 *   be read; TcApiError / NetworkError from the client
 */
export async function loadIndicatorTypes(source: IndicatorTypesSource, options: { signal?: AbortSignal } = {}): Promise<IndicatorTypeSet> {
  const answer = await readAnswer(source, options.signal);
  const schemas = typeof source === 'string' ? answerSchemas(answer, `${source} (GET /v2/types/indicatorTypes answer)`) : answerSchemas(answer);
  if (schemas.length === 0) return defineIndicatorTypes({});
  const { compileCustomTypes } = await import('./compile-types.js');
  const raw = compileCustomTypes(schemas);
  const types: Record<string, CustomIndicatorType> = {};
  schemas.forEach((s, i) => {
    const info = customTypeInfo(s, indicatorBaseFields);
    const compiled: RawValidator = raw[i]!;
    const validate: ItemValidator = (data) => runValidator(compiled, data);
    const entry = answerEntry(answer, info.type);
    types[info.type] = { info, builder: customBuilderClass(info, validate), validate, ...(entry ? { entry } : {}) };
  });
  return defineIndicatorTypes(types);
}
