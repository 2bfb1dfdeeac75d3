/**
 * Rating and confidence parsing with the schema's limits and rule texts, read from the generated
 * catalogue (`indicatorBaseFields`): the facade's binding of the core's {@link parseNumber}.
 */
import { indicatorBaseFields } from '../generated/catalog.js';
import type { ItemRef } from './errors.js';
import { parseNumber } from './model/values.js';

/**
 * Parse a rating: a number from 0 to 5, decimals allowed, or a numeric string (`'5.0'`)
 * (ThreatConnect REST API: indicator types; a BigDecimal in the v3 API).
 * @throws ValidationError (`TCB_INVALID_RATING`) when not numeric or out of range.
 */
export function parseRating(value: unknown, item?: ItemRef): number {
  return parseNumber(indicatorBaseFields.rating, value, item);
}

/**
 * Parse a confidence: an integer from 0 to 100, or an integer string (`'100'`); `50.5` is refused
 * rather than truncated as TcEx does (ThreatConnect REST API: indicator types).
 * @throws ValidationError (`TCB_INVALID_CONFIDENCE`) when not an integer or out of range.
 */
export function parseConfidence(value: unknown, item?: ItemRef): number {
  return parseNumber(indicatorBaseFields.confidence, value, item);
}
