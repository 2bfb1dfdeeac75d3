/**
 * JSON views of stored items for the v3 read endpoints (ThreatConnect API docs, Overview):
 * the item's fields plus attributes, tags, security labels and associations, each as `{ data: [...] }`.
 * The real v3 API returns the sub-lists only with `?fields=`; the emulator always includes them so
 * tests can check what a batch stored.
 */
import { indicatorInfo } from './identity.js';
import type { TypeLookup } from '../batch/types.js';
import type { AssociationRow, Store, StoredGroup, StoredIndicator } from './store.js';

function associations(store: Store, rows: AssociationRow[]) {
  const groups: Array<Record<string, unknown>> = [];
  const indicators: Array<Record<string, unknown>> = [];
  for (const r of rows) {
    if (r.other.kind === 'group') {
      const g = store.groupById(r.other.id);
      if (g) groups.push({ id: g.id, xid: g.xid, type: g.type, name: g.name });
    } else {
      const i = store.indicatorById(r.other.id);
      if (i) indicators.push(r.associationType ? { id: i.id, type: i.type, summary: i.summary, associationType: r.associationType } : { id: i.id, type: i.type, summary: i.summary });
    }
  }
  return { associatedGroups: { data: groups }, associatedIndicators: { data: indicators } };
}

function metadata(x: StoredGroup | StoredIndicator) {
  return { attributes: { data: x.attributes }, tags: { data: x.tags }, securityLabels: { data: x.labels } };
}

/** v3 view of a group: `id, xid, type, name, ownerName, dateAdded, lastModified`, its fields, `fileSize` when a file was uploaded, metadata and associations. */
export function groupView(store: Store, g: StoredGroup): Record<string, unknown> {
  const file = store.file(g.id);
  return {
    id: g.id,
    xid: g.xid,
    type: g.type,
    name: g.name,
    ownerName: g.owner,
    dateAdded: g.dateAdded,
    lastModified: g.lastModified,
    ...g.fields,
    ...(file ? { fileSize: file.length } : {}),
    ...metadata(g),
    ...associations(store, store.associationsOf({ kind: 'group', id: g.id })),
  };
}

/** v3 view of an indicator: `id, type, summary`, each value slot by its wire name, `ownerName`, dates, fields, metadata, associations. */
export function indicatorView(store: Store, i: StoredIndicator, types?: TypeLookup): Record<string, unknown> {
  const info = indicatorInfo(i.type, types);
  const slots: Record<string, string> = {};
  info?.values.forEach((s, n) => {
    const v = i.values[n];
    if (v !== null && v !== undefined) slots[s.field] = v;
  });
  return {
    id: i.id,
    type: i.type,
    summary: i.summary,
    ...slots,
    ownerName: i.owner,
    dateAdded: i.dateAdded,
    lastModified: i.lastModified,
    ...i.fields,
    ...metadata(i),
    ...associations(store, store.associationsOf({ kind: 'indicator', id: i.id })),
  };
}
