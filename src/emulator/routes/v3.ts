/**
 * v3 read endpoints used to check what a batch stored (ThreatConnect API docs, v3 Groups/Indicators/Owners):
 * `GET /v3/groups/{id|xid}[?owner=]`, `GET /v3/indicators/{id|summary}[?owner=&type=]`, and the
 * paged lists `GET /v3/groups` and `GET /v3/indicators` (`?owner=&resultStart=&resultLimit=&count=true`).
 */
import type { FastifyInstance } from 'fastify';
import { NOT_FOUND_MESSAGE, v3Error } from '../errors.js';
import { identify, indicatorInfo } from '../identity.js';
import { resolveOwner } from '../owners.js';
import type { Store, StoredGroup, StoredIndicator } from '../store.js';
import { groupView, indicatorView } from '../views.js';
import type { Access } from '../access.js';
import type { TypeLookup } from '../../batch/types.js';
import { accessOf, intId, param, type RouteDeps } from './context.js';

/**
 * Find a group: by xid in the owner when `?owner=` is given or the ref is not numeric, else by id.
 *
 * @throws EmulatorHttpError 403 unknown or unreadable owner, 404 not found or in an owner the user may not read (v3 envelope)
 */
export function lookupGroup(store: Store, ref: string, ownerParam: string | undefined, access: Access): StoredGroup {
  const owner = resolveOwner(store, ownerParam, 'v3', access);
  const byXid = store.group(owner, ref);
  const byId = ownerParam === undefined && !Number.isNaN(intId(ref)) ? store.groupById(intId(ref)) : undefined;
  const g = byXid ?? (byId && access.canRead(byId.owner) ? byId : undefined);
  if (!g) throw v3Error('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
  return g;
}

function lookupIndicator(store: Store, ref: string, ownerParam: string | undefined, type: string | undefined, access: Access, lookup: TypeLookup): StoredIndicator {
  const owner = resolveOwner(store, ownerParam, 'v3', access);
  const types = type !== undefined ? [type] : lookup.names('indicator');
  for (const t of types) {
    const info = indicatorInfo(t, lookup);
    const ident = info && identify(info, { summary: ref });
    for (const k of ident?.keys ?? []) {
      const id = store.indicatorIdByKey(owner, t, k);
      if (id !== undefined) return store.indicatorById(id)!;
    }
  }
  const found = type === undefined && ownerParam === undefined && !Number.isNaN(intId(ref)) ? store.indicatorById(intId(ref)) : undefined;
  const byId = found && access.canRead(found.owner) ? found : undefined;
  if (!byId) throw v3Error('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
  return byId;
}

/** Largest `resultLimit` (ThreatConnect API docs, Overview). */
export const MAX_RESULT_LIMIT = 10_000;

function page(q: unknown): { start: number; limit: number } {
  const start = Number(param(q, 'resultStart') ?? 0);
  const limit = Number(param(q, 'resultLimit') ?? 100);
  if (!Number.isInteger(start) || start < 0 || !Number.isInteger(limit) || limit < 1 || limit > MAX_RESULT_LIMIT)
    throw v3Error('TCE_BAD_PAGE', 400, `resultStart must be >= 0 and resultLimit between 1 and ${MAX_RESULT_LIMIT}`);
  return { start, limit };
}

/**
 * A v3 list answer (ThreatConnect API docs, Overview): `{ data, status, next? , count? }`; `next` is the URL of the
 * following page when there is one, `count` the total with `?count=true`.
 */
function listBody(url: string, q: unknown, start: number, limit: number, total: number, data: unknown[]): Record<string, unknown> {
  const body: Record<string, unknown> = { data, status: 'Success' };
  if (param(q, 'count') === 'true') body.count = total;
  if (start + limit < total) {
    const u = new URL(url, 'http://emulator');
    u.searchParams.set('resultStart', String(start + limit));
    u.searchParams.set('resultLimit', String(limit));
    body.next = `${u.pathname}${u.search}`;
  }
  return body;
}

/** Register the v3 read routes. */
export async function v3Routes(app: FastifyInstance, { store, opts }: RouteDeps): Promise<void> {
  app.get('/v3/groups', async (req) => {
    const owner = resolveOwner(store, param(req.query, 'owner'), 'v3', accessOf(req));
    const { start, limit } = page(req.query);
    const items = store.listGroups(owner, start, limit).map((g) => groupView(store, g));
    return listBody(req.url, req.query, start, limit, store.countGroups(owner), items);
  });
  app.get('/v3/indicators', async (req) => {
    const owner = resolveOwner(store, param(req.query, 'owner'), 'v3', accessOf(req));
    const { start, limit } = page(req.query);
    const items = store.listIndicators(owner, start, limit).map((i) => indicatorView(store, i, opts.types));
    return listBody(req.url, req.query, start, limit, store.countIndicators(owner), items);
  });
  app.get<{ Params: { ref: string } }>('/v3/groups/:ref', async (req) => ({
    data: groupView(store, lookupGroup(store, req.params.ref, param(req.query, 'owner'), accessOf(req))),
    status: 'Success',
  }));
  app.get<{ Params: { ref: string } }>('/v3/indicators/:ref', async (req) => ({
    data: indicatorView(store, lookupIndicator(store, req.params.ref, param(req.query, 'owner'), param(req.query, 'type'), accessOf(req), opts.types), opts.types),
    status: 'Success',
  }));
}
