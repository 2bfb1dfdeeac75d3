/**
 * Fault injection for client tests: added latency, 5xx answers, 429 with
 * `Retry-After`, and dropped connections, drawn from a seeded generator so runs are reproducible.
 * Slow and stuck jobs are applied by the job runner. Every knob is off by default.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FaultOptions } from './options.js';
import { seededRandom } from './random.js';

const STATUS_TEXT: Record<number, string> = {
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Build the `onRequest` hook that injects faults.
 *
 * Per matching request, in this order: wait `latencyMs`; with `dropRate`, destroy the socket (no
 * answer); with `rateLimitRate`, answer 429 `{"status":"Failure","message":"Too Many Requests"}` and
 * `Retry-After: <retryAfterSeconds>`; with `errorRate`, answer one of `errorStatuses` with
 * `{"status":"Failure","message":<status text>}`. Latency applies to every request; the rates only to
 * paths matching `pathPattern` (when set).
 *
 * @param f resolved fault options
 */
export function faultHook(f: Required<FaultOptions>) {
  const random = seededRandom(f.seed);
  const pattern = f.pathPattern ? new RegExp(f.pathPattern) : undefined;
  return async function injectFaults(request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
    if (f.latencyMs > 0) await sleep(f.latencyMs);
    if (pattern && !pattern.test(request.url)) return undefined;
    if (f.dropRate > 0 && random() < f.dropRate) {
      reply.hijack();
      request.raw.socket.destroy();
      return reply;
    }
    if (f.rateLimitRate > 0 && random() < f.rateLimitRate) {
      return reply
        .code(429)
        .header('Retry-After', String(f.retryAfterSeconds))
        .send({ status: 'Failure', message: STATUS_TEXT[429] });
    }
    if (f.errorRate > 0 && random() < f.errorRate) {
      const status = f.errorStatuses[Math.floor(random() * f.errorStatuses.length)]!;
      return reply.code(status).send({ status: 'Failure', message: STATUS_TEXT[status] ?? 'Error' });
    }
    return undefined;
  };
}
