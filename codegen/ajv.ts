/**
 * The project's ajv configuration (`src/model/ajv.ts`, shared with the run-time compilation of
 * custom indicator types) over codegen's schema files. Tests and benchmarks use it to compile the
 * same schemas in-process for comparison.
 */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv as createAjvOf } from '../src/model/ajv.js';
import type { SchemaFile } from './load.js';

export { VOCABULARY } from '../src/model/ajv.js';

/**
 * A fresh ajv with every schema file added under its `$id`; see `src/model/ajv.ts` for the options.
 * @param code when true, ajv keeps the generated source for `ajv/dist/standalone`.
 */
export function createAjv(files: SchemaFile[], code = false): Ajv2020 {
  return createAjvOf(
    files.map((f) => f.schema),
    code,
  );
}
