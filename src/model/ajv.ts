/**
 * The one ajv configuration of the project. codegen compiles the standalone validators with it
 * (`generated/validators`, and the validators `tcbatch codegen` writes into a user's project), and
 * `loadIndicatorTypes` compiles an instance's custom indicator types with it at run time, so every
 * validator reports the same errors. Loaded only by those (the rest of tcbatch runs the
 * standalone code and never loads ajv).
 */
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS; its default export arrives wrapped under NodeNext resolution.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (
  ajv: Ajv2020,
  formats: string[],
) => Ajv2020;

/** Keywords of ours that ajv must accept and ignore (builder metadata and rule texts). */
export const VOCABULARY = [
  'x-tc',
  'x-tc-rule',
  'x-tc-name',
  'x-tc-tolerated',
  'x-tc-client-only',
  'x-tc-builder',
  'x-tc-union',
  'x-tc-count',
  'x-tc-critical',
] as const;

/**
 * A fresh ajv (draft 2020-12) with every schema added under its `$id`.
 *
 * Options: `allErrors` (report every broken rule, not the first), `verbose` (errors carry the
 * offending value and the schema that holds the rule text), `discriminator` (content items are
 * picked by `type`), `unicode: false` (string lengths in UTF-16 code units, as Java counts them),
 * formats `ipv4`/`ipv6` from ajv-formats.
 *
 * @param schemas JSON schemas, each with an `$id`
 * @param code when true, ajv keeps the generated source for `ajv/dist/standalone`.
 */
export function createAjv(schemas: ReadonlyArray<Record<string, unknown>>, code = false): Ajv2020 {
  const ajv = new Ajv2020({
    allErrors: true,
    verbose: true,
    discriminator: true,
    strict: true,
    strictRequired: false,
    allowUnionTypes: true,
    // Lengths in UTF-16 code units, as the Java server counts them (String.length); this also keeps
    // the standalone output free of ajv's CommonJS ucs2length helper.
    unicode: false,
    logger: {
      log: () => {},
      warn: (...args: unknown[]) => {
        if (!String(args[0]).startsWith('DEPRECATED: option unicode')) console.warn(...args);
      },
      error: (...args: unknown[]) => console.error(...args),
    },
    code: code ? { source: true, esm: true, lines: true } : undefined,
  });
  addFormats(ajv, ['ipv4', 'ipv6']);
  ajv.addVocabulary([...VOCABULARY]);
  for (const s of schemas) ajv.addSchema(s);
  return ajv;
}
