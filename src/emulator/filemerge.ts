/**
 * File hash merging (ThreatConnect's V2 Batch API page).
 * Incoming hashes that match several stored File indicators either merge into the most recently
 * modified one (Merge) or update each match (Distribute); hashes that disagree with a match's are a
 * collision resolved by `hashCollisionMode`. Non-conflicting hashes form a superset.
 */
import type { IndicatorTypeInfo } from '../model/catalog-types.js';
import { SUMMARY_SEPARATOR } from '../model/catalog-types.js';
import type { JobContext } from './context.js';
import type { IndicatorIdentity } from './identity.js';
import type { StoredIndicator } from './store.js';

/** The incoming item's non-identity parts, and how to merge them into a stored indicator. */
export interface IncomingFile {
  identity: IndicatorIdentity;
  /** Writes fields and metadata of the incoming item onto `base` (write types applied); returns the id. */
  write: (base: StoredIndicator | undefined, values: Array<string | null>) => number;
}

/** Identity keys of File values (`md5=<HASH>` ...), as stored in the owner's key index. */
export function fileKeys(info: IndicatorTypeInfo, values: Array<string | null>): string[] {
  return values.flatMap((v, i) => (v === null ? [] : [`${info.values[i]!.field}=${v}`]));
}

/** Summary of present values joined with `' : '`. */
export function summaryOf(values: Array<string | null>): string {
  return values.filter((v): v is string => v !== null).join(SUMMARY_SEPARATOR);
}

/**
 * Upsert a File indicator.
 *
 * @returns ids of the indicators written (empty when `IgnoreIncoming` skipped a colliding item)
 */
export function upsertFile(ctx: JobContext, info: IndicatorTypeInfo, inc: IncomingFile): number[] {
  const { store, owner, config } = ctx;
  const ids = new Set<number>();
  for (const k of inc.identity.keys) {
    const id = store.indicatorIdByKey(owner, info.type, k);
    if (id !== undefined) ids.add(id);
  }
  const matches = [...ids].map((id) => store.indicatorById(id)!).sort((a, b) => b.modSeq - a.modSeq);
  if (matches.length === 0) return [inc.write(undefined, inc.identity.values)];

  const collides = (values: Array<string | null>) => inc.identity.values.some((v, i) => v !== null && values[i] !== null && values[i] !== v);
  if (config.hashCollisionMode === 'IgnoreIncoming' && matches.some((m) => collides(m.values))) return [];

  const combine = (values: Array<string | null>) =>
    values.map((v, i) => {
      const x = inc.identity.values[i] ?? null;
      if (x === null || v === x) return v;
      if (v === null) return x;
      return config.hashCollisionMode === 'FavorIncoming' ? x : v; // FavorExisting, IgnoreExisting, Split keep the stored hash
    });

  if (config.fileMergeMode === 'Distribute' || config.hashCollisionMode === 'Split') {
    return matches.map((m) => {
      const taken = (i: number, v: string) => {
        const other = store.indicatorIdByKey(owner, info.type, `${info.values[i]!.field}=${v}`);
        return other !== undefined && other !== m.id;
      };
      const values = combine(m.values).map((v, i) => (v !== null && v !== m.values[i] && taken(i, v) ? m.values[i]! : v));
      return inc.write(m, values);
    });
  }

  // Merge: fold every other match into the most recently modified one.
  const [target, ...others] = matches as [StoredIndicator, ...StoredIndicator[]];
  const merged: StoredIndicator = { ...target, values: [...target.values] };
  for (const o of others) {
    o.values.forEach((v, i) => {
      if (merged.values[i] === null && v !== null) merged.values[i] = v;
    });
    merged.attributes = [...merged.attributes, ...o.attributes];
    merged.tags = [...merged.tags, ...o.tags.filter((t) => !merged.tags.some((x) => x.name === t.name))];
    merged.labels = [...merged.labels, ...o.labels.filter((t) => !merged.labels.some((x) => x.name === t.name))];
    for (const a of store.associationsOf({ kind: 'indicator', id: o.id })) {
      store.associate(owner, { kind: 'indicator', id: target.id }, a.other, a.associationType);
    }
    store.deleteIndicator(o.id);
  }
  merged.summary = summaryOf(merged.values);
  return [inc.write(merged, combine(merged.values))];
}
