/**
 * Compiling custom indicator type schemas with ajv, next to the bundle of tcbatch's own schemas
 * (`generated/schemas/bundle.ts`): the validators of `loadIndicatorTypes` (run time) and the
 * standalone validators `tcbatch codegen` writes. The only module of the runtime that loads ajv;
 * `loadIndicatorTypes` imports it when called.
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv } from '../model/ajv.js';
import { refsIntoBundle, type CustomTypeSchema } from '../model/custom-types.js';
import type { RawValidator } from '../model/validation.js';
import { bundle } from '../../generated/schemas/bundle.js';

/**
 * An ajv holding the bundle and the custom type schemas (their `$ref`s pointing into the bundle).
 * @param code keep the generated source (for `ajv/dist/standalone`)
 */
export function customTypesAjv(schemas: readonly CustomTypeSchema[], code = false): Ajv2020 {
  return createAjv([bundle as unknown as Record<string, unknown>, ...schemas.map(refsIntoBundle)], code);
}

/** One compiled validator per custom type schema, in the order given. */
export function compileCustomTypes(schemas: readonly CustomTypeSchema[]): RawValidator[] {
  const ajv = customTypesAjv(schemas);
  return schemas.map((s) => {
    const v = ajv.getSchema(s.id);
    if (!v) throw new Error(`tcbatch: the schema ${s.id} did not compile`);
    return v as unknown as RawValidator;
  });
}
