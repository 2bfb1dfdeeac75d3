/**
 * The emulator's logs. fastify's own two JSON lines per request are off; one `request` line per
 * answered request carries method, URL, status and milliseconds. The `human` format (default of
 * `tcbatch serve`) prints it as `2024-01-02T03:04:05.000Z INFO  GET /api/v2/owners 200 1.2 ms`;
 * `json` keeps pino's JSON lines for machines.
 *
 * Secrets never reach the stream, at any level: headers are never serialised, pino redacts every
 * header path a plugin may log (e.g. @fastify/multipart's busboy options at trace level), and the
 * last line of defence scrubs every line for the configured secret keys and tokens and for anything
 * shaped like an `Authorization` value (`TC <id>:<signature>`, `TC-Token <token>`).
 */
import { Writable } from 'node:stream';
import type { FastifyServerOptions } from 'fastify';
import type { ResolvedOptions } from './options.js';

/** Log line formats. */
export type LogFormat = 'human' | 'json';

/** What replaces a secret. */
export const REDACTED = '[redacted]';

/** Header paths pino redacts wherever they appear. */
const REDACT_PATHS = ['authorization', 'timestamp', 'cookie'].flatMap((h) => [
  `req.headers.${h}`,
  `headers.${h}`,
  `busboyOptions.headers.${h}`,
  `request.headers.${h}`,
  `*.headers.${h}`,
]);

const PINO_LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

/** `TC <id>:<sig>` and `TC-Token <token>` as they would appear in a serialised header. */
const AUTH_SHAPES = /\bTC-Token\s+[^"\s\\]+|\bTC\s+[^"\s\\:]+:[^"\s\\]+/g;

/**
 * Remove secrets from one log line.
 *
 * @param line the text
 * @param secrets the configured secret keys and tokens (empty strings are ignored)
 */
export function scrub(line: string, secrets: readonly string[]): string {
  let out = line.replace(AUTH_SHAPES, REDACTED);
  for (const s of secrets) if (s.length >= 4) out = out.split(s).join(REDACTED);
  return out;
}

/** One pino JSON line as a human line; lines that are not JSON pass unchanged. */
export function humanLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof o.time === 'number' ? new Date(o.time).toISOString() : '';
  const level = (PINO_LEVELS[Number(o.level)] ?? String(o.level)).padEnd(5);
  if (o.msg === 'request' && typeof o.method === 'string') {
    return `${time} ${level} ${o.method} ${String(o.url)} ${String(o.statusCode)} ${Number(o.ms).toFixed(1)} ms`;
  }
  const skip = new Set(['time', 'level', 'msg', 'pid', 'hostname', 'reqId']);
  const rest = Object.entries(o).filter(([k]) => !skip.has(k));
  const extra = rest.length > 0 ? ` ${JSON.stringify(Object.fromEntries(rest))}` : '';
  return `${time} ${level} ${String(o.msg ?? '')}${extra}`;
}

/** A stream that scrubs (and for `human`, reformats) each line before writing it to `out`. */
export function logSink(out: NodeJS.WritableStream, format: LogFormat, secrets: readonly string[]): Writable {
  let pending = '';
  return new Writable({
    write(chunk: Buffer | string, _enc, done) {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      const text = lines.map((l) => scrub(format === 'human' ? humanLine(l) : l, secrets)).join('\n');
      if (lines.length > 0) out.write(`${text}\n`);
      done();
    },
    final(done) {
      if (pending) out.write(`${scrub(format === 'human' ? humanLine(pending) : pending, secrets)}\n`);
      done();
    },
  });
}

/** The secrets to scrub: every secret key and token the server accepts. */
export function secretsOf(opts: ResolvedOptions): string[] {
  return [...opts.credentials.map((c) => c.secretKey), ...opts.tokens.map((t) => t.token)];
}

/**
 * fastify `logger` option: `false` without a stream, else pino writing through {@link logSink}.
 * Requests are serialised as method and URL only; answers as the status code.
 */
export function loggerOptions(opts: ResolvedOptions): FastifyServerOptions['logger'] {
  if (!opts.logStream) return false;
  return {
    level: opts.logLevel,
    stream: logSink(opts.logStream, opts.logFormat, secretsOf(opts)),
    redact: { paths: REDACT_PATHS, censor: REDACTED },
    serializers: {
      req: (r: { method?: string; url?: string }) => ({ method: r.method, url: r.url }),
      res: (r: { statusCode?: number }) => ({ statusCode: r.statusCode }),
    },
  };
}
