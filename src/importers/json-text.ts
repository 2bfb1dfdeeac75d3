/**
 * JSON text to a value, with the line and column of a syntax error (found by `jsonc-parser`'s
 * scanner in strict mode: V8's messages on Node 20 carry no position) and a nesting limit (a
 * file nested 20,000 levels deep is refused up front instead of overflowing the stack later).
 */
import { parse as parseTolerant, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { TcBatchError } from '../errors.js';

/** Deepest nesting of arrays and objects accepted in an input file. */
export const MAX_JSON_DEPTH = 256;

/** Invalid JSON: where (1-based line and column, 0-based offset) and what. */
export class JsonSyntaxError extends TcBatchError {
  constructor(
    readonly line: number,
    readonly column: number,
    readonly offset: number,
    readonly problem: string,
  ) {
    super('TCB_JSON_SYNTAX', `invalid JSON at line ${line}, column ${column}: ${problem}`);
  }
}

/** Line and column (1-based) of a character offset. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

const PROBLEMS: Record<string, string> = {
  InvalidSymbol: 'unexpected character',
  InvalidNumberFormat: 'invalid number',
  PropertyNameExpected: 'a property name in double quotes expected',
  ValueExpected: 'a value expected',
  ColonExpected: '":" expected',
  CommaExpected: '"," expected',
  CloseBraceExpected: '"}" expected',
  CloseBracketExpected: '"]" expected',
  EndOfFileExpected: 'end of file expected',
  InvalidCommentToken: 'comments are not JSON',
  UnexpectedEndOfComment: 'comments are not JSON',
  UnexpectedEndOfString: 'unterminated string',
  UnexpectedEndOfNumber: 'unterminated number',
  InvalidUnicode: 'invalid \\u escape',
  InvalidEscapeCharacter: 'invalid escape character',
  InvalidCharacter: 'control character in a string',
};

/** Depth of the deepest array/object nesting in `text` (strings skipped), without recursion. */
export function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < text.length && text.charCodeAt(i) !== 34; i++) if (text.charCodeAt(i) === 92) i++;
    } else if (c === 123 || c === 91) {
      if (++depth > max) max = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/**
 * Parse JSON text.
 * @throws JsonSyntaxError with the line and column of the first error, or when nesting is deeper
 *   than {@link MAX_JSON_DEPTH}
 */
export function parseJsonText(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const errors: ParseError[] = [];
    parseTolerant(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const offset = first?.offset ?? text.length;
    const { line, column } = lineColumn(text, offset);
    throw new JsonSyntaxError(line, column, offset, first ? (PROBLEMS[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)) : 'not JSON');
  }
  // nesting n levels deep takes n opening and n closing characters: shorter text cannot be too deep
  if (value !== null && typeof value === 'object' && text.length > 2 * MAX_JSON_DEPTH && jsonDepth(text) > MAX_JSON_DEPTH) {
    throw new JsonSyntaxError(1, 1, 0, `nested deeper than ${MAX_JSON_DEPTH} levels`);
  }
  return value;
}
