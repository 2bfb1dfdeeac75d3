/**
 * Association resolution (ThreatConnect's V2 Batch API page): a group xid or an indicator summary + type is
 * looked up in the job's owner after every item of the file was stored, so "in the file or in the
 * owner" is one lookup. Cross-owner references never resolve. Failures are 0x1009 records.
 */
import type { JobContext, PendingAssociation } from './context.js';
import { identify, indicatorInfo } from './identity.js';
import { groupInfo } from './items.js';
import * as rec from './records.js';
import type { ErrorRecord, ItemRef } from './store.js';

/** Find a group by xid in the owner. */
export function findGroup(ctx: JobContext, xid: string): ItemRef | undefined {
  const g = ctx.store.group(ctx.owner, xid);
  return g ? { kind: 'group', id: g.id } : undefined;
}

/** Find an indicator by type and summary (any File hash matches) in the owner. */
export function findIndicator(ctx: JobContext, type: string, summary: string): ItemRef | undefined {
  const info = indicatorInfo(type, ctx.types);
  const ident = info && identify(info, { summary });
  if (!ident) return undefined;
  for (const k of ident.keys) {
    const id = ctx.store.indicatorIdByKey(ctx.owner, type, k);
    if (id !== undefined) return { kind: 'indicator', id };
  }
  return undefined;
}

/**
 * Apply an association named inside an item (`associatedGroupXid`, `associatedGroups`,
 * `associatedIndicators`).
 *
 * @returns `undefined` on success, else the 0x1009 record
 */
export function applyPending(ctx: JobContext, p: PendingAssociation): ErrorRecord | undefined {
  const to = p.to.kind === 'group' ? findGroup(ctx, p.to.xid) : findIndicator(ctx, p.to.type, p.to.summary);
  const toLabel = p.to.kind === 'group' ? p.to.xid : p.to.summary;
  if (!to) return rec.association(p.fromLabel, toLabel, `'${toLabel}' was not found in the file or in owner '${ctx.owner}'`);
  ctx.store.associate(ctx.owner, p.from, to);
  return undefined;
}

type Side = { ref: ItemRef | undefined; label: string; problem?: string };

function side(ctx: JobContext, e: Record<string, unknown>, n: 1 | 2): Side {
  const id = e[`id_${n}`];
  const ref = e[`ref_${n}`];
  const type = e[`type_${n}`];
  const label = typeof ref === 'string' ? ref : `id ${String(id)}`;
  if (typeof type === 'string' && !indicatorInfo(type, ctx.types) && !groupInfo(type))
    return { ref: undefined, label, problem: `'${type}' is not a group or indicator type` };
  const isIndicator = typeof type === 'string' && indicatorInfo(type, ctx.types) !== undefined;
  if (typeof id === 'number') {
    // id wins over ref when both are given (ThreatConnect's V2 Batch API page)
    const item = isIndicator ? ctx.store.indicatorById(id, ctx.owner) : ctx.store.groupById(id, ctx.owner);
    const ok = item && (typeof type !== 'string' || item.type === type);
    return { ref: ok ? { kind: item.kind, id } : undefined, label };
  }
  if (typeof ref !== 'string') return { ref: undefined, label, problem: `ref_${n} or id_${n} is required` };
  if (isIndicator) return { ref: findIndicator(ctx, type as string, ref), label };
  const g = ctx.store.group(ctx.owner, ref);
  return { ref: g && (typeof type !== 'string' || g.type === type) ? { kind: 'group', id: g.id } : undefined, label };
}

/**
 * Apply one entry of the top-level `association` array: create the link (Create) or remove it
 * (Delete). Indicator <-> indicator links need `associationType` (ThreatConnect's V2 Batch API page).
 *
 * @returns `undefined` on success, else the 0x1009 record
 */
export function applyEntry(ctx: JobContext, entry: unknown): ErrorRecord | undefined {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return rec.association('?', '?', 'the entry is not an object');
  const e = entry as Record<string, unknown>;
  const a = side(ctx, e, 1);
  const b = side(ctx, e, 2);
  for (const s of [a, b]) if (s.problem) return rec.association(a.label, b.label, s.problem);
  for (const s of [a, b]) if (!s.ref) return rec.association(a.label, b.label, `'${s.label}' was not found in the file or in owner '${ctx.owner}'`);
  const assocType = typeof e.associationType === 'string' ? e.associationType : '';
  if (a.ref!.kind === 'indicator' && b.ref!.kind === 'indicator' && assocType === '')
    return rec.association(a.label, b.label, 'associationType is required between two indicators');
  if (ctx.config.action === 'Delete') {
    if (ctx.store.dissociate(a.ref!, b.ref!) === 0) return rec.association(a.label, b.label, 'the association does not exist');
    return undefined;
  }
  ctx.store.associate(ctx.owner, a.ref!, b.ref!, assocType);
  return undefined;
}
