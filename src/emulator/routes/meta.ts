/**
 * Owners and indicator types (ThreatConnect API docs, v3 Groups/Indicators/Owners): `GET /v2/owners`, `/v2/owners/mine`,
 * `/v3/security/owners`, `GET /v2/types/indicatorTypes[/{type}]` (built from the generated catalogue and the custom types of the `indicatorTypes` option).
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { IndicatorTypeInfo } from '../../model/catalog-types.js';
import { NOT_FOUND_MESSAGE, v2Failure } from '../errors.js';
import { accessOf, type RouteDeps } from './context.js';

/** One entry of `data.indicatorType` (shape of schemas/batch/indicator-types.json). */
export function indicatorTypeEntry(t: IndicatorTypeInfo): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: t.type,
    custom: String(t.custom),
    parsable: 'true',
    apiBranch: t.apiBranch,
    apiEntity: t.apiEntity,
    casePreference: t.casePreference,
  };
  t.values.forEach((v, i) => {
    entry[`value${i + 1}Label`] = v.label;
    entry[`value${i + 1}Type`] = 'text';
  });
  return entry;
}

/** Register owner and type routes. */
export async function metaRoutes(app: FastifyInstance, { store, opts }: RouteDeps): Promise<void> {
  /** Owners the request's user may read. */
  const readable = (req: FastifyRequest) => {
    const access = accessOf(req);
    return store.listOwners().filter((o) => access.canRead(o.name));
  };
  app.get('/v2/owners', async (req) => {
    const owner = readable(req);
    return { status: 'Success', data: { resultCount: owner.length, owner } };
  });
  app.get('/v2/owners/mine', async (req) => ({ status: 'Success', data: { owner: store.owner(accessOf(req).home) } }));
  app.get('/v3/security/owners', async (req) => ({ data: readable(req), status: 'Success' }));

  // every type, sorted: the built-in ones and the custom ones the emulator was started with
  // (`indicatorTypes`; served as the answer they came from gave them, regexes included)
  const all = opts.types.names('indicator').map((name) => opts.types.indicator(name)!);
  const entry = (t: IndicatorTypeInfo) => (t.custom ? opts.types.custom[t.type]?.entry : undefined) ?? indicatorTypeEntry(t);
  app.get('/v2/types/indicatorTypes', async () => ({
    status: 'Success',
    data: { resultCount: all.length, indicatorType: all.map(entry) },
  }));
  app.get<{ Params: { type: string } }>('/v2/types/indicatorTypes/:type', async (req) => {
    const want = req.params.type.toLowerCase();
    const t = all.find((x) => x.type.toLowerCase() === want || x.apiEntity.toLowerCase() === want || x.apiBranch.toLowerCase() === want);
    if (!t) throw v2Failure('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
    return { status: 'Success', data: { indicatorType: entry(t) } };
  });
}
