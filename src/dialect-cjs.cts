/**
 * The CommonJS version of `dialect.ts` (see there): `scripts/build.mjs` compiles this file in its
 * place for `dist/cjs`. Keep both exporting the same names and types.
 */

/** Absolute path of this module's file. */
export const moduleFile: string = __filename;

/** `require` resolving from this module. */
export const requireHere: NodeJS.Require = require;
