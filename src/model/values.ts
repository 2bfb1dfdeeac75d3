/**
 * Parsing of scalar field values by their catalogue kind (`FieldKind`): rating, confidence,
 * booleans, integers, dates and strings. Each parser accepts what the seed documentation and the
 * reference accept (`'5.0'`, `'100'`, `'true'`) and throws a {@link ValidationError} naming the
 * item, the field and the rule otherwise. Nothing is silently coerced into something else.
 */
import { ValidationError, type ItemRef } from '../errors.js';
import type { FieldInfo } from './catalog-types.js';
import { toTcDate } from './dates.js';
import { limits } from '../../generated/catalog.js';

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

/**
 * Parse a rating: a number in the range of the schemas' `rating` (0 to 5, decimals allowed;
 * ThreatConnect REST API: indicator types; v3 BigDecimal), read from the generated catalog's `limits`.
 * @throws ValidationError (`TCB_INVALID_RATING`) when not numeric or out of range.
 */
export function parseRating(value: unknown, item?: ItemRef): number {
  const n = toNumber(value);
  const { minimum, maximum, rule } = limits.rating;
  if (n === undefined || n < minimum || n > maximum) {
    throw new ValidationError({ item, field: 'rating', rule, value, code: 'TCB_INVALID_RATING' });
  }
  return n;
}

/**
 * Parse a confidence: an integer in the range of the schemas' `confidence` (0 to 100; ThreatConnect
 * REST API: indicator types), read from the generated catalog's `limits`. `'100'` is accepted;
 * `50.5` is refused rather than truncated as the reference does.
 * @throws ValidationError (`TCB_INVALID_CONFIDENCE`) when not an integer or out of range.
 */
export function parseConfidence(value: unknown, item?: ItemRef): number {
  const n = toNumber(value);
  const { minimum, maximum, rule } = limits.confidence;
  if (n === undefined || !Number.isInteger(n) || n < minimum || n > maximum) {
    throw new ValidationError({ item, field: 'confidence', rule, value, code: 'TCB_INVALID_CONFIDENCE' });
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
      return parseRating(value, item);
    case 'confidence':
      return parseConfidence(value, item);
    case 'boolean':
      return parseBoolean(value, item, field.name);
    case 'date':
      try {
        return toTcDate(value as never, { field: field.name });
      } catch (e) {
        if (e instanceof ValidationError) throw new ValidationError({ item, field: field.name, rule: e.rule, value, code: e.code });
        throw e;
      }
    case 'integer':
    case 'number': {
      const n = toNumber(value);
      if (n === undefined || (field.kind === 'integer' && !Number.isInteger(n))) {
        throw new ValidationError({ item, field: field.name, rule: `must be ${field.kind === 'integer' ? 'an integer' : 'a number'}`, value });
      }
      return n;
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
