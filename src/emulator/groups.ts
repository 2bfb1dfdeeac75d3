/**
 * Create (upsert) and Delete of one group item (ThreatConnect's V2 Batch API page): groups are keyed by
 * owner + xid; an existing group with the xid is overwritten; metadata follows the write types.
 */
import type { Attribute, Label, Tag } from './store.js';
import { STRUCTURAL_KEYS, FatalItemError, type ItemOutcome, type JobContext, type PendingAssociation } from './context.js';
import { checkGroup, groupInfo } from './items.js';
import { mergeAttributes, mergeNamed } from './metadata.js';
import * as rec from './records.js';

const str = (v: unknown, dflt: string) => (typeof v === 'string' ? v : dflt);

/**
 * Apply one group item.
 *
 * @param item the item (already known to be a JSON object)
 * @param index position in `group[]`, for 0x1003 paths
 * @returns success with the associations it names, or an error record (0x1006, 0x1007)
 * @throws FatalItemError (0x1003) for a value of the wrong JSON shape or an unparseable date
 */
export function applyGroup(ctx: JobContext, item: Record<string, unknown>, index: number): ItemOutcome {
  const name = str(item.name, '');
  const xid = str(item.xid, '');
  const info = groupInfo(item.type);
  if (!info) return { ok: false, record: rec.invalidGroup(name, xid, String(item.type), `'${String(item.type)}' is not a group type`) };
  const check = checkGroup(info, item);
  if (check.kind === 'fatal') throw new FatalItemError(rec.jsonSyntax(check.detail, `'$.group[${index}]': Last processed group[${index}] '${xid}'`));
  if (check.kind === 'invalid') return { ok: false, record: rec.invalidGroup(name, xid, info.type, check.why) };

  const existing = ctx.store.group(ctx.owner, xid);
  if (ctx.config.action === 'Delete') {
    if (!existing) return { ok: false, record: rec.notFound('group', xid, ctx.owner) };
    ctx.store.deleteGroup(existing.id);
    return { ok: true, pending: [] };
  }
  const fields: Record<string, unknown> = { ...(existing?.fields ?? {}) };
  for (const [k, v] of Object.entries(item)) if (!STRUCTURAL_KEYS.has(k) && k !== 'xid' && k !== 'name') fields[k] = v;
  const id = ctx.store.saveGroup({
    id: existing?.id ?? 0,
    owner: ctx.owner,
    xid,
    type: info.type,
    name,
    fields,
    attributes: mergeAttributes(existing?.attributes, item.attribute as Attribute[] | undefined, ctx.config.attributeWriteType),
    tags: mergeNamed(existing?.tags, item.tag as Tag[] | undefined, ctx.config.tagWriteType),
    labels: mergeNamed(existing?.labels, item.securityLabel as Label[] | undefined, ctx.config.securityLabelWriteType),
    dateAdded: existing?.dateAdded ?? ctx.now,
    lastModified: ctx.now,
  });
  const from = { kind: 'group' as const, id };
  const pending: PendingAssociation[] = [];
  for (const x of (item.associatedGroupXid as string[] | undefined) ?? []) pending.push({ from, fromLabel: xid, to: { kind: 'group', xid: x } });
  for (const a of (item.associatedIndicators as Array<{ summary: string; indicatorType: string }> | undefined) ?? [])
    pending.push({ from, fromLabel: xid, to: { kind: 'indicator', type: a.indicatorType, summary: a.summary } });
  return { ok: true, pending };
}
