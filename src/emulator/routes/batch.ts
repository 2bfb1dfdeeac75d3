/**
 * The batch endpoints (ThreatConnect's V2 Batch API page): create a job, upload its content (octet-stream
 * or multipart createAndUpload), poll its status, fetch its errors (gzip) and results.
 */
import type multipartPlugin from '@fastify/multipart';
import { requirePeer } from '../../peers.js';
import { EMULATOR } from '../peers.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gzipSync } from 'node:zlib';
import type { Access } from '../access.js';
import { parseJobConfig, type JobConfig } from '../config.js';
import { EmulatorHttpError, NOT_FOUND_MESSAGE, plainText, v2Failure, v2Invalid } from '../errors.js';
import { resolveOwner } from '../owners.js';
import type { ErrorRecord, Store, StoredJob } from '../store.js';
import { accessOf, intId, param, type RouteDeps } from './context.js';

/** Largest job config body (`POST /v2/batch`) in bytes: a config is a few hundred bytes. */
export const CONFIG_BODY_LIMIT = 65_536;

/** ThreatConnect's plain-text 503 when batch jobs or document storage are disabled (V2 Batch API page). */
export const BATCH_UNAVAILABLE_TEXT =
  'Batch job api is not available.  Ensure that batchJobEnabled is true and document storage is enabled and configured;';

/** The JAX-RS answer to a body of the wrong media type. */
export const UNSUPPORTED_MEDIA_TYPE = 'HTTP 415 Unsupported Media Type';

/** Message of the 400 for a multipart body that cannot be parsed. */
export const BAD_MULTIPART = 'Invalid multipart/form-data body';

/**
 * Whether a Content-Type header is `application/octet-stream` (parameters allowed), as
 * ThreatConnect requires for data uploads.
 */
export function isOctetStream(contentType: string | undefined): boolean {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase() === 'application/octet-stream';
}

/** A job of the request's user, else 404 (another user's job is not shown to exist). */
function ownJob(jobs: RouteDeps['jobs'], access: Access, id: number): StoredJob {
  const job = jobs.get(id);
  if (!access.owns(job)) throw v2Failure('TCE_NOT_FOUND', 404, NOT_FOUND_MESSAGE);
  return job;
}

/** Parse a config and check the user may write into its owner. */
function writableConfig(store: Store, access: Access, data: unknown): JobConfig {
  const config = parseJobConfig(data);
  resolveOwner(store, config.owner, 'v2', access, 'write');
  return config;
}

/** The `/results` view of a record: the cause as `errorReason`, the message as `errorMessage` (V2 Batch API page). */
function resultOf(e: ErrorRecord): { code: string; severity: string; errorReason: string; errorMessage: string } {
  return { code: e.code, severity: e.severity, errorReason: e.cause ?? e.errorMessage, errorMessage: e.errorMessage };
}

/** Description of the 400 for an upload over the limit (ThreatConnect's V2 Batch API page). */
export function sizeLimitText(limit: number): string {
  return `File size greater than allowable limit of ${limit}`;
}

const SEVERITY: Record<string, string> = {
  err: 'Error',
  error: 'Error',
  warn: 'Warning',
  warning: 'Warning',
  info: 'Info',
};

function countItems(content: Buffer): number {
  try {
    const doc = JSON.parse(content.toString('utf8')) as unknown;
    if (Array.isArray(doc)) return doc.length;
    if (doc && typeof doc === 'object') {
      return ['group', 'indicator', 'association'].reduce(
        (n, k) =>
          n + (Array.isArray((doc as Record<string, unknown>)[k]) ? (doc as Record<string, unknown[]>)[k]!.length : 0),
        0,
      );
    }
  } catch {
    /* invalid JSON: a tiny job */
  }
  return 0;
}

/** Register the batch routes on an `/api`-prefixed instance. */
export async function batchRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { jobs, store, opts } = deps;

  if (opts.batchApiUnavailable) {
    app.addHook('onRequest', async (req) => {
      if (/^\/api\/v2\/batch(\/|\?|$)/.test(req.url))
        throw plainText('TCE_BATCH_UNAVAILABLE', 503, BATCH_UNAVAILABLE_TEXT);
    });
  }

  const completedErrors = (req: FastifyRequest<{ Params: { id: string } }>): ErrorRecord[] => {
    const id = intId(req.params.id);
    ownJob(jobs, accessOf(req), id);
    const status = jobs.status(id, false, false);
    if (status.status !== 'Completed') throw v2Invalid('TCE_STILL_RUNNING', `Batch still in ${status.status} state`);
    const errors = store.jobErrors(id);
    if (errors.length === 0) throw v2Failure('TCE_NO_ERRORS', 404, NOT_FOUND_MESSAGE);
    return errors;
  };

  // create a job
  app.post(
    '/v2/batch',
    { bodyLimit: CONFIG_BODY_LIMIT, config: { sizeLimit: CONFIG_BODY_LIMIT } },
    async (req, reply) => {
      const access = accessOf(req);
      const batchId = jobs.create(writableConfig(store, access, req.body), access.name);
      return reply.code(201).send({ status: 'Success', data: { batchId } });
    },
  );

  // emulator only: the user's jobs, whether data came, counts and times (tests, the console)
  app.get('/emulator/batch', async (req) => ({
    status: 'Success',
    data: { batch: jobs.list(accessOf(req).name) },
  }));

  // status
  app.get<{ Params: { id: string } }>('/v2/batch/:id', async (req) => {
    const id = intId(req.params.id);
    ownJob(jobs, accessOf(req), id);
    const batchStatus = jobs.status(id, true, param(req.query, 'includeAdditional') === 'true');
    return { status: 'Success', data: { batchStatus } };
  });

  // errors, gzip JSON array
  app.get<{ Params: { id: string } }>('/v2/batch/:id/errors', async (req, reply) => {
    const records = completedErrors(req).map((e) =>
      e.errorSource === undefined
        ? { errorReason: e.errorReason }
        : { errorReason: e.errorReason, errorSource: e.errorSource },
    );
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Encoding', 'gzip')
      .send(gzipSync(Buffer.from(JSON.stringify(records), 'utf8')));
  });

  // results with filters
  app.get<{ Params: { id: string } }>('/v2/batch/:id/results', async (req) => {
    const code = param(req.query, 'code');
    const severity = param(req.query, 'severity');
    const contains = param(req.query, 'contains');
    if (code !== undefined && !/^0x[0-9a-f]+$/i.test(code))
      throw v2Failure('TCE_BAD_FILTER', 400, `Invalid code '${code}': a code starts with 0x`);
    if (severity !== undefined && !SEVERITY[severity.toLowerCase()])
      throw v2Failure('TCE_BAD_FILTER', 400, `Invalid severity '${severity}': use err, error, info, warn or warning`);
    return completedErrors(req)
      .map(resultOf)
      .filter((e) => code === undefined || e.code.toLowerCase() === code.toLowerCase())
      .filter((e) => severity === undefined || e.severity === SEVERITY[severity.toLowerCase()])
      .filter((e) => contains === undefined || e.errorReason.includes(contains) || e.errorMessage.includes(contains));
  });

  // upload content as the raw body (application/octet-stream); the job is checked before the body is read
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxUploadBytes }, (_req, body, done) =>
      done(null, body),
    );
    raw.post<{ Params: { id: string } }>(
      '/v2/batch/:id',
      {
        bodyLimit: opts.maxUploadBytes,
        onRequest: async (req) => {
          const job = ownJob(jobs, accessOf(req), intId(req.params.id));
          if (!isOctetStream(req.headers['content-type']))
            throw v2Failure('TCE_MEDIA_TYPE', 415, UNSUPPORTED_MEDIA_TYPE);
          if (job.phase !== 'Created') throw v2Invalid('TCE_ALREADY_UPLOADED', `Batch already in ${job.phase} state`);
        },
      },
      async (req, reply) => {
        const id = intId(req.params.id);
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        jobs.upload(id, body);
        return reply.code(202).send({ status: 'Success', data: { batchStatus: jobs.status(id, false, false) } });
      },
    );
  });

  // createAndUpload (multipart config + content, with or without filenames)
  await app.register(async (mp) => {
    // an optional peer, loaded at first use (see src/peers.ts)
    const multipart = requirePeer<typeof multipartPlugin>('@fastify/multipart', EMULATOR);
    await mp.register(multipart, {
      limits: { fileSize: opts.maxUploadBytes, fieldSize: opts.maxUploadBytes, files: 2, fields: 2, parts: 4 },
      throwFileSizeLimit: true,
    });
    const notMultipart = () =>
      v2Failure(
        'TCE_NOT_MULTIPART',
        400,
        'createAndUpload needs a multipart/form-data body with config and content parts',
      );
    mp.post(
      '/v2/batch/createAndUpload',
      {
        bodyLimit: opts.maxUploadBytes + CONFIG_BODY_LIMIT,
        config: { sizeLimit: opts.maxUploadBytes },
        onRequest: async (req) => {
          // refused before any body is read
          if (!/^multipart\/form-data\b/i.test(req.headers['content-type'] ?? '')) throw notMultipart();
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw notMultipart();
        const access = accessOf(req);
        const { config, content } = await readParts(
          req,
          (data) => writableConfig(store, access, data),
          opts.maxUploadBytes,
        );
        const id = jobs.create(config, access.name);
        const limit = opts.timing.synchronousLimit;
        jobs.upload(id, content, limit > 0 && countItems(content) < limit);
        const additional = param(req.query, 'includeAdditional') === 'true';
        const batchStatus = jobs.status(id, false, additional);
        // status code undocumented (ThreatConnect's V2 Batch API page): 202 like an upload, 200 when processed inline
        return reply
          .code(batchStatus.status === 'Completed' ? 200 : 202)
          .send({ status: 'Success', data: { batchStatus } });
      },
    );
  });
}

/** Text of a multipart part (file or field). */
async function partBytes(part: import('@fastify/multipart').Multipart, limit: number): Promise<Buffer> {
  if (part.type === 'file') return part.toBuffer();
  if (part.valueTruncated) throw v2Invalid('TCE_TOO_LARGE', sizeLimitText(limit));
  return Buffer.from(typeof part.value === 'string' ? part.value : JSON.stringify(part.value), 'utf8');
}

/**
 * Read the `config` and `content` parts. The config is checked (`check`) as soon as it arrives, so
 * a config sent first (as tcex and the Java SDK do) is refused before the content is buffered.
 *
 * @throws EmulatorHttpError 400 for a missing part, a config that is not JSON, or a body that is not
 *   valid multipart; what `check` throws
 */
async function readParts(
  req: FastifyRequest,
  check: (data: unknown) => JobConfig,
  limit: number,
): Promise<{ config: JobConfig; content: Buffer }> {
  let config: JobConfig | undefined;
  let content: Buffer | undefined;
  try {
    for await (const part of req.parts()) {
      if (part.fieldname === 'config') {
        const text = (await partBytes(part, limit)).toString('utf8');
        let data: unknown;
        try {
          data = JSON.parse(text);
        } catch {
          throw v2Failure('TCE_BAD_CONFIG', 400, 'Invalid batch config: the config part is not valid JSON');
        }
        config = check(data);
      } else if (part.fieldname === 'content') content = await partBytes(part, limit);
      else if (part.type === 'file') await part.toBuffer();
    }
  } catch (e) {
    if (e instanceof EmulatorHttpError) throw e;
    const code = (e as { code?: string }).code ?? '';
    if (
      code === 'FST_REQ_FILE_TOO_LARGE' ||
      code === 'FST_PARTS_LIMIT' ||
      code === 'FST_FILES_LIMIT' ||
      code === 'FST_FIELDS_LIMIT'
    ) {
      if (code === 'FST_REQ_FILE_TOO_LARGE') throw v2Invalid('TCE_TOO_LARGE', sizeLimitText(limit));
    }
    throw v2Failure('TCE_BAD_MULTIPART', 400, BAD_MULTIPART);
  }
  if (!config) throw v2Failure('TCE_BAD_MULTIPART', 400, 'Missing multipart part: config');
  if (!content) throw v2Failure('TCE_BAD_MULTIPART', 400, 'Missing multipart part: content');
  if (content.length > limit) throw v2Invalid('TCE_TOO_LARGE', sizeLimitText(limit));
  return { config, content };
}
