/**
 * Parsing of scalar field values by their catalogue entry (`FieldInfo`): numbers (rating,
 * confidence, integers) within the schema's limits, booleans, dates and strings. Each parser accepts what TcEx's Module: Batch page and
 * TcEx accept (`'5.0'`, `'100'`, `'true'`) and throws a {@link ValidationError} naming the
 * item, the field and the rule otherwise. Nothing is silently coerced into something else.
 */
import { ValidationError, type ItemRef } from '../errors.js';
import type { FieldInfo } from './catalog-types.js';
import { toTcDate } from './dates.js';

/**
 * A rating as users pass it: a number or a numeric string (`5`, `'5.0'`). A word (`'high'`) does
 * not compile; a string of unknown content is passed through {@link parseRating} first (an untyped
 * caller's bad value throws a ValidationError).
 */
export type RatingInput = number | `${number}`;
/** A confidence as users pass it: an integer or an integer string (`100`, `'100'`); see {@link RatingInput}. */
export type ConfidenceInput = number | `${number}`;

const NUMERIC = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

function toNumber(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value);
  return undefined;
}

/** The error code of a number the schema refuses, by the field's kind. */
const NUMBER_CODES = { rating: 'TCB_INVALID_RATING', confidence: 'TCB_INVALID_CONFIDENCE', integer: 'TCB_INVALID_VALUE', number: 'TCB_INVALID_VALUE' } as const;

/**
 * Parse a number field by its catalogue entry: a number or a numeric string (`5`, `'5.0'`, `'100'`),
 * an integer when the schema says `integer`, within the schema's `minimum`/`maximum`. A rating
 * (0 to 5, decimals allowed) and a confidence (an integer from 0 to 100) take their limits and rule
 * text from the schema through the catalogue (ThreatConnect V2 Batch API: indicator fields);
 * `50.5` is refused as a confidence rather than truncated as TcEx does.
 * @throws ValidationError (`TCB_INVALID_RATING`, `TCB_INVALID_CONFIDENCE`, else `TCB_INVALID_VALUE`).
 */
export function parseNumber(field: FieldInfo & { kind: 'rating' | 'confidence' | 'integer' | 'number' }, value: unknown, item?: ItemRef): number {
  const n = toNumber(value);
  const integer = field.integer === true || field.kind === 'integer';
  if (n === undefined || (integer && !Number.isInteger(n)) || (field.minimum !== undefined && n < field.minimum) || (field.maximum !== undefined && n > field.maximum)) {
    const rule = field.rule ?? `must be ${integer ? 'an integer' : 'a number'}${field.minimum !== undefined && field.maximum !== undefined ? ` from ${field.minimum} to ${field.maximum}` : ''}`;
    throw new ValidationError({ item, field: field.name, rule, value, code: NUMBER_CODES[field.kind] });
  }
  return n;
}

/**
 * Parse a boolean: `true`/`false` or the strings `'true'`/`'false'` (any case), as TC's wire
 * format writes them. Other truthy values (`'yes'`, `1`) are refused, not guessed.
 * @throws ValidationError (`TCB_INVALID_BOOLEAN`).
 */
export function parseBoolean(value: unknown, item?: ItemRef, field?: string): boolean {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const v = value.trim().toLowerCase();
    if (v === 'true') return true;
    if (v === 'false') return false;
  }
  throw new ValidationError({ item, field, rule: 'must be true or false', value, code: 'TCB_INVALID_BOOLEAN' });
}

/**
 * Parse and check one field value by its catalogue entry.
 * @returns the wire value (dates as `YYYY-MM-DDTHH:mm:ssZ` UTC, numbers as numbers).
 * @throws ValidationError when the value does not fit the field's kind or enum.
 */
export function parseField(field: FieldInfo, value: unknown, item?: ItemRef): unknown {
  switch (field.kind) {
    case 'rating':
    case 'confidence':
    case 'integer':
    case 'number':
      return parseNumber(field as FieldInfo & { kind: typeof field.kind }, value, item);
    case 'boolean':
      return parseBoolean(value, item, field.name);
    case 'date':
      try {
        return toTcDate(value as never, { field: field.name });
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError({ item, field: field.name, rule: e.rule, value, code: e.code });
        throw e;
      }
    case 'string':
      if (typeof value !== 'string') throw new ValidationError({ item, field: field.name, rule: 'must be a string', value });
      if (field.enum && !field.enum.includes(value)) {
        throw new ValidationError({ item, field: field.name, rule: field.rule ?? `must be one of ${field.enum.map((v) => JSON.stringify(v)).join(', ')}`, value });
      }
      return value;
    case 'fileContent':
      return value;
  }
}
