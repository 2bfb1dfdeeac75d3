/**
 * The fastify application: everything under `/api`, fault injection then authentication on every
 * request, the route plugins, and one error handler that turns errors into ThreatConnect's bodies.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { requirePeer } from '../peers.js';
import { accessFor } from './access.js';
import { authenticate } from './auth.js';
import { EmulatorHttpError, NOT_FOUND_MESSAGE } from './errors.js';
import { faultHook } from './faults.js';
import type { JobRunner } from './jobs.js';
import { loggerOptions } from './logging.js';
import type { ResolvedOptions } from './options.js';
import { CONFIG_BODY_LIMIT, batchRoutes, sizeLimitText } from './routes/batch.js';
import type { RouteDeps } from './routes/context.js';
import { fileRoutes } from './routes/files.js';
import { metaRoutes } from './routes/meta.js';
import { v3Routes } from './routes/v3.js';
import type { Store } from './store.js';
import { consoleRoutes } from './webconsole.js';
import { EMULATOR } from './peers.js';

const TOO_LARGE = new Set(['FST_ERR_CTP_BODY_TOO_LARGE', 'FST_REQ_FILE_TOO_LARGE']);

function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  if (error instanceof EmulatorHttpError) {
    if (error.text !== undefined) return reply.code(error.status).headers(error.headers).type('text/plain; charset=utf-8').send(error.text);
    return reply.code(error.status).headers(error.headers).send(error.body);
  }
  if (error.code && TOO_LARGE.has(error.code)) {
    const limit = request.routeOptions.bodyLimit ?? 0;
    const multipartLimit = (request.routeOptions.config as { sizeLimit?: number } | undefined)?.sizeLimit;
    return reply.code(400).send({ status: 'Invalid', description: sizeLimitText(multipartLimit ?? limit) });
  }
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  if (status === 500) request.log.error({ err: { message: error.message, code: error.code } }, 'request failed');
  return reply.code(status).send({ status: 'Failure', message: status === 500 ? 'Internal error' : error.message });
}

/** One registered route: method and URL pattern as fastify has it (`/api/v2/batch/:id`). */
export interface RouteEntry {
  method: string;
  url: string;
}

const ROUTES = new WeakMap<FastifyInstance, RouteEntry[]>();

/** Every route registered on an app built by {@link buildApp} (HEAD routes fastify adds included). */
export function routesOf(app: FastifyInstance): RouteEntry[] {
  return ROUTES.get(app) ?? [];
}

/**
 * Build (not start) the application.
 *
 * @param opts resolved options
 * @param store the open store
 * @param jobs the job runner over that store
 */
export async function buildApp(opts: ResolvedOptions, store: Store, jobs: JobRunner): Promise<FastifyInstance> {
  // an optional peer, loaded at first use (see src/peers.ts)
  const { fastify: Fastify, LogController } = requirePeer<typeof import('fastify')>('fastify', EMULATOR);
  const app = Fastify({
    logger: loggerOptions(opts),
    // small by default: only the data and file upload routes take large bodies (their own limits)
    bodyLimit: CONFIG_BODY_LIMIT,
    forceCloseConnections: true,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.info({ method: request.method, url: request.url, statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
  });
  const routes: RouteEntry[] = [];
  ROUTES.set(app, routes);
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method: String(method), url: r.url });
  });
  app.setErrorHandler(handleError);
  const deps: RouteDeps = { store, jobs, opts };
  await app.register(
    async (api) => {
      api.addHook('onRequest', faultHook(opts.faults));
      api.addHook('onRequest', async (request) => {
        const principal = authenticate(
          {
            method: request.method,
            target: request.raw.url ?? request.url,
            authorization: request.headers.authorization,
            timestamp: typeof request.headers.timestamp === 'string' ? request.headers.timestamp : undefined,
          },
          { credentials: opts.credentials, tokens: opts.tokens, now: opts.clock },
        );
        request.tcAccess = accessFor(opts, principal.user);
      });
      api.setNotFoundHandler((_req, reply) => reply.code(404).send({ status: 'Failure', message: NOT_FOUND_MESSAGE }));
      await api.register(batchRoutes, deps);
      await api.register(fileRoutes, deps);
      await api.register(metaRoutes, deps);
      await api.register(v3Routes, deps);
    },
    { prefix: '/api' },
  );
  if (opts.console) await app.register(consoleRoutes);
  app.setNotFoundHandler((_req, reply) => reply.code(404).send({ status: 'Failure', message: NOT_FOUND_MESSAGE }));
  return app;
}
