/**
 * Rebuilding a stored item from the wire JSON its builder wrote: used by the stores that keep items
 * serialised (the compact memory store and the disk store) when an item is asked for again.
 */
import { groupBuilders, indicatorBuilders } from '../../generated/builders/index.js';
import { Builder } from '../model/builder.js';
import { RawItem, type GroupBuilderClass, type IndicatorBuilderClass } from './core.js';
import type { StoredItem } from './store.js';

/**
 * The builder classes a store has seen, by kind and type: a custom indicator type's class (made by
 * `tcbatch codegen` or `loadIndicatorTypes`) is not in the generated tables, so a store notes the
 * class of every builder it is given and restores items of that type with it.
 */
export class BuilderClasses {
  /** Type -> class noted, or null for a type with a generated class. */
  readonly #groups = new Map<string, GroupBuilderClass | null>();
  readonly #indicators = new Map<string, IndicatorBuilderClass | null>();

  /** Note the class of `item` when it is a builder (cheap for a type already seen: one map lookup). */
  note(item: StoredItem): void {
    const seen = item.kind === 'group' ? this.#groups : this.#indicators;
    if (seen.has(item.type)) return;
    const b: unknown = item;
    if (!(b instanceof Builder)) return;
    const table: Record<string, unknown> = item.kind === 'group' ? groupBuilders : indicatorBuilders;
    (seen as Map<string, unknown>).set(item.type, Object.hasOwn(table, item.type) ? null : b.constructor);
  }

  /** The builder class of a group type: the generated one, else the one noted. */
  group(type: string): GroupBuilderClass | undefined {
    if (Object.hasOwn(groupBuilders, type)) return (groupBuilders as Record<string, GroupBuilderClass>)[type];
    return this.#groups.get(type) ?? undefined;
  }

  /** The builder class of an indicator type: the generated one, else the one noted. */
  indicator(type: string): IndicatorBuilderClass | undefined {
    if (Object.hasOwn(indicatorBuilders, type)) return (indicatorBuilders as Record<string, IndicatorBuilderClass>)[type];
    return this.#indicators.get(type) ?? undefined;
  }
}

/** Classes of the generated types only (a store that was never given a custom-type builder). */
const GENERATED = new BuilderClasses();

/**
 * Rebuild a stored item from its wire JSON (a disk store restoring an evicted item).
 * @param kind `group` or `indicator`
 * @param json the wire object written by the item's `toJSON()`
 * @param values multi-value indicators: the value slots (their summary alone can be ambiguous)
 * @param raw true for an Interface 3 raw item (restored as such: its JSON is kept verbatim)
 * @param classes where the builder class of the type is found (default: the generated classes)
 * @throws Error for a type without a builder class.
 */
export function restoreItem(
  kind: 'group' | 'indicator',
  json: Record<string, unknown>,
  values?: ReadonlyArray<string | undefined>,
  raw = false,
  classes: BuilderClasses = GENERATED,
): StoredItem {
  if (raw) return new RawItem(kind, json, undefined);
  const type = json.type as string;
  const xid = json.xid as string;
  if (kind === 'group') {
    const Ctor = classes.group(type);
    if (!Ctor) throw new Error(`tcbatch: no builder class for group type ${JSON.stringify(type)}`);
    const b = new Ctor(json.name as string, xid);
    b.restoreState(json);
    return b;
  }
  const Ctor = classes.indicator(type);
  if (!Ctor) throw new Error(`tcbatch: no builder class for indicator type ${JSON.stringify(type)}`);
  const b = new Ctor(values ?? [json.summary as string], xid);
  b.restoreState(json);
  return b;
}
