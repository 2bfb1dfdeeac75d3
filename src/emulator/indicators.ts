/**
 * Create (upsert) and Delete of one indicator item (ThreatConnect's V2 Batch API page): indicators are keyed
 * by owner + type + normalised value; Create on an existing indicator updates it; File hashes merge.
 */
import type { IndicatorTypeInfo } from '../model/catalog-types.js';
import { STRUCTURAL_KEYS, FatalItemError, type ItemOutcome, type JobContext, type PendingAssociation } from './context.js';
import { fileKeys, summaryOf, upsertFile } from './filemerge.js';
import { identify, indicatorInfo, mergesByAnyValue } from './identity.js';
import { checkIndicator } from './items.js';
import { mergeAttributes, mergeNamed } from './metadata.js';
import * as rec from './records.js';
import type { Attribute, Label, StoredIndicator, Tag } from './store.js';

/** A readable name of an indicator item for messages: its summary, else its values joined. */
export function itemLabel(item: Record<string, unknown>, info?: IndicatorTypeInfo): string {
  if (typeof item.summary === 'string' && item.summary !== '') return item.summary;
  const vals = (info?.values ?? []).map((s) => item[s.field]).filter((v): v is string => typeof v === 'string');
  return vals.length > 0 ? vals.join(' : ') : typeof item.xid === 'string' ? item.xid : '(no summary)';
}

/**
 * Apply one indicator item.
 *
 * @param item the item (already known to be a JSON object)
 * @param index position in `indicator[]`, for 0x1003 paths
 * @returns success with the associations it names, or an error record (0x1005, 0x1007)
 * @throws FatalItemError (0x1003) for a value of the wrong JSON shape or an unparseable date
 */
export function applyIndicator(ctx: JobContext, item: Record<string, unknown>, index: number): ItemOutcome {
  const info = indicatorInfo(item.type, ctx.types);
  const label = itemLabel(item, info);
  if (!info) return { ok: false, record: rec.invalidIndicator(label, String(item.type), `'${String(item.type)}' is not an indicator type`) };
  const check = checkIndicator(info.type, item, ctx.types);
  if (check.kind === 'fatal') throw new FatalItemError(rec.jsonSyntax(check.detail, `'$.indicator[${index}]': Last processed indicator[${index}] '${label}'`));
  if (check.kind === 'invalid') return { ok: false, record: rec.invalidIndicator(label, info.type, check.why) };
  const identity = identify(info, item);
  if (!identity) return { ok: false, record: rec.invalidIndicator(label, info.type, 'summary is invalid for the given type') };
  const { store, owner, config } = ctx;

  if (config.action === 'Delete') {
    const ids = new Set(identity.keys.map((k) => store.indicatorIdByKey(owner, info.type, k)).filter((x): x is number => x !== undefined));
    if (ids.size === 0) return { ok: false, record: rec.notFound('indicator', identity.summary, owner) };
    for (const id of ids) store.deleteIndicator(id);
    return { ok: true, pending: [] };
  }

  const valueFields = new Set(info.values.map((v) => v.field));
  const incomingFields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(item)) if (!STRUCTURAL_KEYS.has(k) && k !== 'summary' && !valueFields.has(k)) incomingFields[k] = v;

  const write = (base: StoredIndicator | undefined, values: Array<string | null>): number => {
    const summary = mergesByAnyValue(info) ? summaryOf(values) : identity.summary;
    return store.saveIndicator(
      {
        id: base?.id ?? 0,
        owner,
        type: info.type,
        summary,
        values,
        fields: { ...(base?.fields ?? {}), ...incomingFields },
        attributes: mergeAttributes(base?.attributes, item.attribute as Attribute[] | undefined, config.attributeWriteType),
        tags: mergeNamed(base?.tags, item.tag as Tag[] | undefined, config.tagWriteType),
        labels: mergeNamed(base?.labels, item.securityLabel as Label[] | undefined, config.securityLabelWriteType),
        dateAdded: base?.dateAdded ?? ctx.now,
        lastModified: ctx.now,
      },
      mergesByAnyValue(info) ? fileKeys(info, values) : identity.keys,
    );
  };

  let ids: number[];
  if (mergesByAnyValue(info)) ids = upsertFile(ctx, info, { identity, write });
  else {
    const id = store.indicatorIdByKey(owner, info.type, identity.keys[0]!);
    ids = [write(id === undefined ? undefined : store.indicatorById(id), identity.values)];
  }
  const pending: PendingAssociation[] = [];
  for (const id of ids) {
    const from = { kind: 'indicator' as const, id };
    for (const g of (item.associatedGroups as Array<{ groupXid: string }> | undefined) ?? [])
      pending.push({ from, fromLabel: identity.summary, to: { kind: 'group', xid: g.groupXid } });
    for (const a of (item.associatedIndicators as Array<{ summary: string; indicatorType: string }> | undefined) ?? [])
      pending.push({ from, fromLabel: identity.summary, to: { kind: 'indicator', type: a.indicatorType, summary: a.summary } });
  }
  return { ok: true, pending };
}
