/**
 * Checks one batch item with the generated validators and sorts each broken rule into
 * ThreatConnect's outcome (ThreatConnect's V2 Batch API page): unknown keys are ignored; a value of the
 * wrong JSON shape or an unparseable date fails the whole job (0x1003); anything else makes the
 * item invalid (0x1005 indicator, 0x1006 group).
 */
import { groupTypes } from '../../generated/catalog.js';
import { groupValidators } from '../../generated/validators/index.js';
import type { ValidationIssue } from '../model/validation.js';
import type { GroupTypeInfo, TypeInfo } from '../model/catalog-types.js';
import { BUILT_IN_TYPES, type TypeLookup } from '../batch/types.js';

/** Outcome of checking an item. */
export type ItemCheck = { kind: 'ok' } | { kind: 'invalid'; why: string } | { kind: 'fatal'; detail: string };

type Validate = (d: unknown) => { valid: boolean; issues: ValidationIssue[] };

/** The catalogue entry of a group type, if known. */
export function groupInfo(type: unknown): GroupTypeInfo | undefined {
  if (typeof type !== 'string' || !Object.hasOwn(groupTypes, type)) return undefined;
  return (groupTypes as Record<string, GroupTypeInfo>)[type];
}

function isDateField(info: TypeInfo, pointer: string): boolean {
  const m = /^\/([^/]+)$/.exec(pointer);
  if (!m) return false;
  return Object.values(info.fields).some((f) => f.wire === m[1] && f.kind === 'date');
}

function classify(info: TypeInfo, issues: readonly ValidationIssue[]): ItemCheck {
  const relevant = issues.filter((i) => i.keyword !== 'unevaluatedProperties' && i.keyword !== 'additionalProperties');
  if (relevant.length === 0) return { kind: 'ok' };
  for (const i of relevant) {
    const shape = i.keyword === 'type' && (typeof i.value === 'object' || /array|object/.test(i.rule));
    if (shape) return { kind: 'fatal', detail: `Unexpected JSON value ${JSON.stringify(i.value)} at ${i.pointer || '/'}` };
    if (isDateField(info, i.pointer)) return { kind: 'fatal', detail: `Unparseable date: ${JSON.stringify(i.value)}` };
  }
  const i = relevant[0]!;
  const field = i.pointer.replace(/^\//, '') || 'item';
  return { kind: 'invalid', why: i.keyword === 'required' || i.keyword === 'anyOf' ? i.rule : `${field}: ${i.rule}` };
}

/**
 * Check a group item of a known type.
 *
 * @param item the batch item (an object)
 */
export function checkGroup(info: GroupTypeInfo, item: Record<string, unknown>): ItemCheck {
  const v = (groupValidators as Record<string, Validate>)[info.type];
  return v ? classify(info, v(item).issues) : { kind: 'ok' };
}

/**
 * Check an indicator item of a known type.
 * @param types the emulator's types (built-in, and the custom ones of `indicatorTypes`)
 */
export function checkIndicator(type: string, item: Record<string, unknown>, types: TypeLookup = BUILT_IN_TYPES): ItemCheck {
  const info = types.indicator(type);
  const v = types.validator('indicator', type) as Validate | undefined;
  return info && v ? classify(info, v(item).issues) : { kind: 'ok' };
}
