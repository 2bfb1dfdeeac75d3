/**
 * Logger settings for the emulator's fastify instance. Requests are logged as method + URL only;
 * headers (where credentials travel, tc-batch-api.md §2) are never serialised, and the
 * `Authorization`/`Timestamp` paths are redacted in case a handler logs a request object.
 */
import type { FastifyServerOptions } from 'fastify';
import type { ResolvedOptions } from './options.js';

/**
 * fastify `logger` option: `false` without a stream, else pino options writing JSON lines to it.
 */
export function loggerOptions(opts: ResolvedOptions): FastifyServerOptions['logger'] {
  if (!opts.logStream) return false;
  return {
    level: opts.logLevel,
    stream: opts.logStream,
    redact: { paths: ['req.headers.authorization', 'req.headers.timestamp', 'headers.authorization'], censor: '[redacted]' },
    serializers: {
      req: (r: { method?: string; url?: string }) => ({ method: r.method, url: r.url }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
    },
  };
}
