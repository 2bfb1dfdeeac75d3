/**
 * Attribute, tag and security-label write types (ThreatConnect's V2 Batch API page).
 * Pure functions over lists: existing + incoming -> stored.
 */
import type { Attribute, Label, Tag } from './store.js';

/** `attributeWriteType` values (ThreatConnect's V2 Batch API page). */
export type AttributeWriteType = 'Append' | 'Replace' | 'Singleton' | 'Static';
/** `tagWriteType` / `securityLabelWriteType` values (ThreatConnect's V2 Batch API page). */
export type ListWriteType = 'Append' | 'Replace';

/**
 * Merge attributes.
 *
 * - Append: existing then incoming, no de-duplication ("Append (no dedup)").
 * - Replace: the incoming list replaces all existing attributes.
 * - Singleton: incoming attributes replace only existing ones of the same type.
 * - Static: incoming attributes are ignored on an existing item (a new item gets them).
 *
 * An item without an `attribute` key leaves the existing list untouched under every write type.
 *
 * @param existing stored attributes (`undefined` for a new item)
 * @param incoming the item's `attribute` array (`undefined` when absent)
 */
export function mergeAttributes(existing: Attribute[] | undefined, incoming: Attribute[] | undefined, mode: AttributeWriteType): Attribute[] {
  if (existing === undefined) return incoming ?? [];
  if (incoming === undefined) return existing;
  switch (mode) {
    case 'Append':
      return [...existing, ...incoming];
    case 'Replace':
      return incoming;
    case 'Singleton': {
      const types = new Set(incoming.map((a) => a.type));
      return [...existing.filter((a) => !types.has(a.type)), ...incoming];
    }
    case 'Static':
      return existing;
  }
}

/**
 * Merge tags or security labels by name.
 *
 * - Append: existing plus incoming names not present yet.
 * - Replace: the incoming list replaces the existing one (names not sent are removed).
 *
 * An item without the key leaves the list untouched. Duplicate incoming names are kept once.
 */
export function mergeNamed<T extends Tag | Label>(existing: T[] | undefined, incoming: T[] | undefined, mode: ListWriteType): T[] {
  const dedup = (xs: T[]) => {
    const seen = new Set<string>();
    return xs.filter((x) => (seen.has(x.name) ? false : (seen.add(x.name), true)));
  };
  if (existing === undefined) return dedup(incoming ?? []);
  if (incoming === undefined) return existing;
  return mode === 'Replace' ? dedup(incoming) : dedup([...existing, ...incoming]);
}
