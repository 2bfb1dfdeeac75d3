/**
 * Step: API client types for openapi-fetch, with openapi-typescript over `schemas/openapi.yaml`
 * (its `$ref`s to the JSON schemas are resolved from disk), into `client/openapi.ts`.
 */
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { formatCode, type OutputFiles } from './emit.js';

/** Emit `client/openapi.ts` (`paths`, `components`, `operations`) into `out`. */
export async function emitClient(schemasDir: string, head: string, out: OutputFiles): Promise<void> {
  const ast = await openapiTS(pathToFileURL(join(schemasDir, 'openapi.yaml')), {
    alphabetize: false,
    exportType: true,
    rootTypes: false,
    silent: true,
    defaultNonNullable: false,
  });
  out.set('client/openapi.ts', await formatCode(`${head}${astToString(ast)}`));
}
