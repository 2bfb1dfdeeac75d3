/**
 * Document and Report file content (tc-batch-api.md §3.7): upload by xid (or id) with
 * `POST|PUT /v2/groups/{documents|reports}/{xid}/upload?owner=&updateIfExists=true`, download with
 * `GET /v3/groups/{xid|id}/download[?owner=]`.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { groupTypes } from '../../../generated/catalog.js';
import type { GroupTypeInfo } from '../../model/catalog-types.js';
import { NOT_FOUND_MESSAGE, v2Failure, v3Error } from '../errors.js';
import { resolveOwner } from '../owners.js';
import type { StoredGroup } from '../store.js';
import { isOctetStream, UNSUPPORTED_MEDIA_TYPE } from './batch.js';
import { accessOf, intId, param, type RouteDeps } from './context.js';
import { lookupGroup } from './v3.js';

/** Message of the 401 for a POST on a group that already has a file (wording [I], tc-batch-api.md §3.7, §12 item 8). */
export const FILE_EXISTS_MESSAGE = 'The group already has a file; use PUT or updateIfExists=true to replace it';

/** Group types that carry a file, by v2 API branch (`documents`, `reports`), from the catalogue. */
const FILE_BRANCHES = new Map(
  Object.values(groupTypes as Record<string, GroupTypeInfo>)
    .filter((t) => t.fileContent)
    .map((t) => [t.apiBranch, t.type]),
);

type UploadRequest = FastifyRequest<{ Params: { branch: string; ref: string } }>;

/** Register the file routes. */
export async function fileRoutes(app: FastifyInstance, { store, opts }: RouteDeps): Promise<void> {
  /** The target group, checked (owner right, existence, type, media type) before the body is read. */
  const target = (req: UploadRequest, method: string): StoredGroup => {
    const type = FILE_BRANCHES.get(req.params.branch);
    const owner = resolveOwner(store, param(req.query, 'owner'), 'v2', accessOf(req), 'write');
    const ref = req.params.ref;
    const g = store.group(owner, ref) ?? (Number.isNaN(intId(ref)) ? undefined : store.groupById(intId(ref), owner));
    if (!type || !g || g.type !== type) throw v2Failure('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
    if (!isOctetStream(req.headers['content-type'])) throw v2Failure('TCE_MEDIA_TYPE', 415, UNSUPPORTED_MEDIA_TYPE);
    if (method === 'POST' && store.file(g.id) && param(req.query, 'updateIfExists') !== 'true') throw v2Failure('TCE_FILE_EXISTS', 401, FILE_EXISTS_MESSAGE);
    return g;
  };
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxFileBytes }, (_req, body, done) => done(null, body));
    const upload = (method: 'POST' | 'PUT') =>
      raw.route<{ Params: { branch: string; ref: string } }>({
        method,
        url: '/v2/groups/:branch/:ref/upload',
        bodyLimit: opts.maxFileBytes,
        onRequest: async (req) => {
          target(req, method);
        },
        handler: async (req) => {
          const g = target(req, method);
          store.putFile(g.id, Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0), new Date(opts.clock()).toISOString());
          return { status: 'Success' };
        },
      });
    upload('POST');
    upload('PUT');
  });

  app.get<{ Params: { ref: string } }>('/v3/groups/:ref/download', async (req, reply) => {
    const g = lookupGroup(store, req.params.ref, param(req.query, 'owner'), accessOf(req));
    const bytes = store.file(g.id);
    if (!bytes) throw v3Error('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
    return reply.header('Content-Type', 'application/octet-stream').send(bytes);
  });
}
