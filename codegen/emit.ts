/**
 * Output helpers shared by every codegen step: the header every generated file starts with,
 * prettier formatting, and the in-memory file map that `index.ts` writes or checks.
 */
import * as prettier from 'prettier';

import { HEADER } from './files.js';

export { HEADER, type OutputFiles } from './files.js';

/** Header lines for a generated file: the marker, then where it came from. */
export function header(hash: string, version: string): string {
  return `${HEADER}\n// From schemas/ (sha256 ${hash.slice(0, 16)}) by tcbatch codegen ${version}. Run \`npm run codegen\` to update.\n`;
}

/** Format TypeScript or JavaScript with the project's prettier settings. */
export async function formatCode(code: string, parser: 'typescript' | 'babel' = 'typescript'): Promise<string> {
  return prettier.format(code, { parser, printWidth: 120, singleQuote: true, trailingComma: 'all' });
}
