/**
 * Indicator identity (ThreatConnect's V2 Batch API page): an indicator is unique in its owner by type and value.
 * Values come from the type's value fields or from `summary` (multi-value summaries joined with
 * `' : '`, ThreatConnect's V2 Batch API page), case-normalised per the type's `casePreference` from the generated
 * catalogue. Every value slot of a File is an identity of its own, so hashes of one file merge.
 */
import { indicatorValidators } from '../../generated/validators/index.js';
import { SUMMARY_SEPARATOR, type IndicatorTypeInfo } from '../model/catalog-types.js';
import { BUILT_IN_TYPES, type TypeLookup } from '../batch/types.js';

/**
 * The catalogue entry of an indicator type, if the type is known.
 * @param types the emulator's types (built-in, and the custom ones of `indicatorTypes`)
 */
export function indicatorInfo(type: unknown, types: TypeLookup = BUILT_IN_TYPES): IndicatorTypeInfo | undefined {
  return types.indicator(type);
}

/**
 * Whether each value slot of the type identifies the indicator on its own (File hashes): the
 * catalogue's `partialValues`, the types `fileMergeMode` and `hashCollisionMode` apply to
 * (ThreatConnect's V2 Batch API page).
 */
export function mergesByAnyValue(info: IndicatorTypeInfo): boolean {
  return info.partialValues;
}

/**
 * Apply `casePreference` (ThreatConnect's V2 Batch API page): `upper`, `lower`, or `sensitive` (as is).
 */
export function normaliseValue(info: IndicatorTypeInfo, v: string): string {
  if (info.casePreference === 'upper') return v.toUpperCase();
  if (info.casePreference === 'lower') return v.toLowerCase();
  return v;
}

/** Values, display summary and identity keys of an indicator. */
export interface IndicatorIdentity {
  /** Normalised value per slot, `null` when absent. */
  values: Array<string | null>;
  /** Present values joined with `' : '`. */
  summary: string;
  /** Identity keys in the owner: one per present value for File, else the summary. */
  keys: string[];
}

/** Summary separator accepted on input: `' : '` or `': '` (ThreatConnect's V2 Batch API page). */
const SPLIT = /\s?:\s/;

function slotAccepts(info: IndicatorTypeInfo, field: string, value: string): boolean {
  const v = (indicatorValidators as Record<string, (d: unknown) => { issues: Array<{ pointer: string }> }>)[info.type];
  if (!v) return true;
  const pointer = `/${field.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  return !v({ type: info.type, [field]: value }).issues.some((i) => i.pointer === pointer);
}

/**
 * Work out an indicator's identity from a batch item (value fields win over `summary`, as for File
 * in ThreatConnect's V2 Batch API page) or from a bare summary.
 *
 * @param info the type's catalogue entry
 * @param item the batch item, or `{ summary }`
 * @returns the identity, or `undefined` when no value is present
 */
export function identify(info: IndicatorTypeInfo, item: Record<string, unknown>): IndicatorIdentity | undefined {
  let raw: Array<string | null> = info.values.map((s) => (typeof item[s.field] === 'string' && item[s.field] !== '' ? (item[s.field] as string) : null));
  if (raw.every((v) => v === null)) {
    const summary = item.summary;
    if (typeof summary !== 'string' || summary.trim() === '') return undefined;
    if (info.values.length <= 1) raw = [summary.trim()];
    else if (mergesByAnyValue(info)) {
      raw = info.values.map(() => null);
      for (const part of summary.split(SPLIT).map((p) => p.trim()).filter((p) => p !== '')) {
        const slot = info.values.findIndex((s, i) => raw[i] === null && slotAccepts(info, s.field, part));
        if (slot >= 0) raw[slot] = part;
      }
    } else {
      const parts = summary.split(SPLIT);
      raw = info.values.map((_, i) => (parts[i] !== undefined ? parts[i]! : null));
    }
  }
  const values = raw.map((v) => (v === null ? null : normaliseValue(info, v)));
  const present = values.filter((v): v is string => v !== null);
  if (present.length === 0) return undefined;
  const summary = present.join(SUMMARY_SEPARATOR);
  const keys = mergesByAnyValue(info)
    ? values.flatMap((v, i) => (v === null ? [] : [`${info.values[i]!.field}=${v}`]))
    : [summary];
  return { values, summary, keys };
}
