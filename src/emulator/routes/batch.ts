/**
 * The batch endpoints (tc-batch-api.md §3.1–§3.6): create a job, upload its content (octet-stream
 * or multipart createAndUpload), poll its status, fetch its errors (gzip) and results.
 */
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { gzipSync } from 'node:zlib';
import { parseJobConfig } from '../config.js';
import { NOT_FOUND_MESSAGE, v2Failure, v2Invalid } from '../errors.js';
import { resolveOwner } from '../owners.js';
import type { ErrorRecord } from '../store.js';
import { intId, param, type RouteDeps } from './context.js';

/** Description of the 400 for an upload over the limit (tc-batch-api.md §3.2, exact DOCS-V2B text). */
export function sizeLimitText(limit: number): string {
  return `File size greater than allowable limit of ${limit}`;
}

const SEVERITY: Record<string, string> = { err: 'Error', error: 'Error', warn: 'Warning', warning: 'Warning', info: 'Info' };

function countItems(content: Buffer): number {
  try {
    const doc = JSON.parse(content.toString('utf8')) as unknown;
    if (Array.isArray(doc)) return doc.length;
    if (doc && typeof doc === 'object') {
      return ['group', 'indicator', 'association'].reduce((n, k) => n + (Array.isArray((doc as Record<string, unknown>)[k]) ? ((doc as Record<string, unknown[]>)[k]!).length : 0), 0);
    }
  } catch {
    /* invalid JSON: a tiny job */
  }
  return 0;
}

/** Register the batch routes on an `/api`-prefixed instance. */
export async function batchRoutes(app: FastifyInstance, deps: RouteDeps): Promise<void> {
  const { jobs, store, opts } = deps;

  const completedErrors = (req: FastifyRequest<{ Params: { id: string } }>): ErrorRecord[] => {
    const id = intId(req.params.id);
    const status = jobs.status(id, false, false);
    if (status.status !== 'Completed') throw v2Invalid('TCE_STILL_RUNNING', `Batch still in ${status.status} state`);
    const errors = store.jobErrors(id);
    if (errors.length === 0) throw v2Failure('TCE_NO_ERRORS', 404, NOT_FOUND_MESSAGE);
    return errors;
  };

  // §3.1: create a job
  app.post('/v2/batch', async (req, reply) => {
    const config = parseJobConfig(req.body);
    resolveOwner(store, config.owner);
    const batchId = jobs.create(config);
    return reply.code(201).send({ status: 'Success', data: { batchId } });
  });

  // emulator only: every job issued, whether data came, counts and times (tests, the console)
  app.get('/emulator/batch', async () => ({ status: 'Success', data: { batch: jobs.list() } }));

  // §3.4: status
  app.get<{ Params: { id: string } }>('/v2/batch/:id', async (req) => {
    const batchStatus = jobs.status(intId(req.params.id), true, param(req.query, 'includeAdditional') === 'true');
    return { status: 'Success', data: { batchStatus } };
  });

  // §3.5: errors, gzip JSON array
  app.get<{ Params: { id: string } }>('/v2/batch/:id/errors', async (req, reply) => {
    const records = completedErrors(req).map((e) => (e.errorSource === undefined ? { errorReason: e.errorReason } : { errorReason: e.errorReason, errorSource: e.errorSource }));
    return reply
      .header('Content-Type', 'application/octet-stream')
      .header('Content-Encoding', 'gzip')
      .send(gzipSync(Buffer.from(JSON.stringify(records), 'utf8')));
  });

  // §3.6: results with filters
  app.get<{ Params: { id: string } }>('/v2/batch/:id/results', async (req) => {
    const code = param(req.query, 'code');
    const severity = param(req.query, 'severity');
    const contains = param(req.query, 'contains');
    if (code !== undefined && !/^0x[0-9a-f]+$/i.test(code)) throw v2Failure('TCE_BAD_FILTER', 400, `Invalid code '${code}': a code starts with 0x`);
    if (severity !== undefined && !SEVERITY[severity.toLowerCase()]) throw v2Failure('TCE_BAD_FILTER', 400, `Invalid severity '${severity}': use err, error, info, warn or warning`);
    return completedErrors(req)
      .filter((e) => code === undefined || e.code.toLowerCase() === code.toLowerCase())
      .filter((e) => severity === undefined || e.severity === SEVERITY[severity.toLowerCase()])
      .filter((e) => contains === undefined || e.errorReason.includes(contains) || e.errorMessage.includes(contains))
      .map((e) => ({ code: e.code, severity: e.severity, errorReason: e.errorReason, errorMessage: e.errorMessage }));
  });

  // §3.2: upload content as the raw body
  await app.register(async (raw) => {
    raw.removeAllContentTypeParsers();
    raw.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: opts.maxUploadBytes }, (_req, body, done) => done(null, body));
    raw.post<{ Params: { id: string } }>('/v2/batch/:id', { bodyLimit: opts.maxUploadBytes }, async (req, reply) => {
      const id = intId(req.params.id);
      const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      jobs.upload(id, body);
      return reply.code(202).send({ status: 'Success', data: { batchStatus: jobs.status(id, false, false) } });
    });
  });

  // §3.3: createAndUpload (multipart config + content, with or without filenames)
  await app.register(async (mp) => {
    await mp.register(multipart, { limits: { fileSize: opts.maxUploadBytes, fieldSize: opts.maxUploadBytes, files: 2, fields: 2 }, throwFileSizeLimit: true });
    mp.post('/v2/batch/createAndUpload', { config: { sizeLimit: opts.maxUploadBytes } }, async (req, reply) => {
      if (!req.isMultipart()) throw v2Failure('TCE_NOT_MULTIPART', 400, 'createAndUpload needs a multipart/form-data body with config and content parts');
      const parts: Record<string, Buffer> = {};
      for await (const part of req.parts()) {
        if (part.type === 'file') parts[part.fieldname] = await part.toBuffer();
        else {
          if (part.valueTruncated) throw v2Invalid('TCE_TOO_LARGE', sizeLimitText(opts.maxUploadBytes));
          parts[part.fieldname] = Buffer.from(typeof part.value === 'string' ? part.value : JSON.stringify(part.value), 'utf8');
        }
      }
      if (!parts.config) throw v2Failure('TCE_BAD_MULTIPART', 400, 'Missing multipart part: config');
      if (!parts.content) throw v2Failure('TCE_BAD_MULTIPART', 400, 'Missing multipart part: content');
      if (parts.content.length > opts.maxUploadBytes) throw v2Invalid('TCE_TOO_LARGE', sizeLimitText(opts.maxUploadBytes));
      let configJson: unknown;
      try {
        configJson = JSON.parse(parts.config.toString('utf8'));
      } catch {
        throw v2Failure('TCE_BAD_CONFIG', 400, 'Invalid batch config: the config part is not valid JSON');
      }
      const config = parseJobConfig(configJson);
      resolveOwner(store, config.owner);
      const id = jobs.create(config);
      const limit = opts.timing.synchronousLimit;
      jobs.upload(id, parts.content, limit > 0 && countItems(parts.content) < limit);
      const additional = param(req.query, 'includeAdditional') === 'true';
      const batchStatus = jobs.status(id, false, additional);
      // status code undocumented (tc-batch-api.md §3.3): 202 like an upload, 200 when processed inline
      return reply.code(batchStatus.status === 'Completed' ? 200 : 202).send({ status: 'Success', data: { batchStatus } });
    });
  });
}
