/**
 * Rebuilding a stored item from the wire JSON its builder wrote: used by the stores that keep items
 * serialised (the compact memory store and the disk store) when an item is asked for again.
 */
import { groupBuilders, indicatorBuilders } from '../../generated/builders/index.js';
import { RawItem, type GroupBuilderClass, type IndicatorBuilderClass } from './core.js';
import type { StoredItem } from './store.js';

/**
 * Rebuild a stored item from its wire JSON (a disk store restoring an evicted item).
 * @param kind `group` or `indicator`
 * @param json the wire object written by the item's `toJSON()`
 * @param values multi-value indicators: the value slots (their summary alone can be ambiguous)
 * @param raw true for an Interface 3 raw item (restored as such: its JSON is kept verbatim)
 * @throws Error for a type without a generated builder class.
 */
export function restoreItem(
  kind: 'group' | 'indicator',
  json: Record<string, unknown>,
  values?: ReadonlyArray<string | undefined>,
  raw = false,
): StoredItem {
  if (raw) return new RawItem(kind, json, undefined);
  const type = json.type as string;
  const xid = json.xid as string;
  if (kind === 'group') {
    const Ctor = (groupBuilders as Record<string, GroupBuilderClass | undefined>)[type];
    if (!Ctor) throw new Error(`tcbatch: no builder class for group type ${JSON.stringify(type)}`);
    const b = new Ctor(json.name as string, xid);
    b.restoreState(json);
    return b;
  }
  const Ctor = (indicatorBuilders as Record<string, IndicatorBuilderClass | undefined>)[type];
  if (!Ctor) throw new Error(`tcbatch: no builder class for indicator type ${JSON.stringify(type)}`);
  const b = new Ctor(values ?? [json.summary as string], xid);
  b.restoreState(json);
  return b;
}
