/**
 * What every route plugin receives: the store, the job runner and the resolved options.
 */
import type { FastifyRequest } from 'fastify';
import type { Access } from '../access.js';
import type { JobRunner } from '../jobs.js';
import type { ResolvedOptions } from '../options.js';
import type { Store } from '../store.js';

/** Dependencies of the route plugins. */
export interface RouteDeps {
  store: Store;
  jobs: JobRunner;
  opts: ResolvedOptions;
}

/** Query string as fastify parses it. */
export type Query = Record<string, string | string[] | undefined>;

/** First value of a query parameter. */
export function param(q: unknown, name: string): string | undefined {
  const v = (q as Query | undefined)?.[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Parse a positive integer path id, or `NaN`. */
export function intId(s: string): number {
  return /^\d{1,15}$/.test(s) ? Number(s) : Number.NaN;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The rights of the authenticated user (set by the authentication hook). */
    tcAccess?: Access;
  }
}

/**
 * The rights of the request's user.
 *
 * @throws Error when called on a route the authentication hook did not run on (a programming error)
 */
export function accessOf(req: FastifyRequest): Access {
  if (!req.tcAccess) throw new Error('request was not authenticated');
  return req.tcAccess;
}
