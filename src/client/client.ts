/**
 * `TcClient`: a typed ThreatConnect API client for the batch endpoints, built on openapi-fetch over
 * the generated OpenAPI types (`generated/client/openapi.ts`). Authentication is a middleware that
 * signs the URL exactly as it is sent; retries (p-retry, exponential backoff with jitter) cover 429
 * (honouring `Retry-After`), 500, 502, 503, 504 and network errors for every request, POSTs of
 * batch data included (a resend is safe: items are upserted by xid). Every retry is reported as an
 * event. No secret ever reaches an error, event or log.
 */
import { gunzipSync } from 'node:zlib';
import createClient, { type Client } from 'openapi-fetch';
import pRetry, { AbortError as PRetryAbort } from 'p-retry';
import type { paths } from '../../generated/client/openapi.js';
import type { BatchErrorRecord, BatchResultRecord, BatchStatus, IndicatorTypesResponse } from '../../generated/types/index.js';
import { assertCredentials, hmacHeaders, tokenHeaders } from './auth.js';
import { AbortError, ConfigError, NetworkError, TcApiError } from './errors.js';

/** Retry policy of a {@link TcClient}. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 4. */
  retries?: number;
  /** First backoff delay, milliseconds. Default 500. */
  minDelayMs?: number;
  /** Largest backoff delay, milliseconds. Default 30,000. */
  maxDelayMs?: number;
  /** Backoff growth factor. Default 2. Delays are randomised (jitter) between 1x and 2x. */
  factor?: number;
}

/** A retry about to happen. */
export interface RetryEvent {
  type: 'retry';
  method: string;
  /** Path and query as sent. */
  path: string;
  /** The attempt that failed (1 = the first request). */
  attempt: number;
  /** `HTTP 503`, `HTTP 429`, or the network error message. */
  reason: string;
  /** Extra wait asked by the server's `Retry-After`, milliseconds (0 when none). */
  retryAfterMs: number;
}

/** Options of a {@link TcClient}; each falls back to its environment variable. */
export interface TcClientOptions {
  /** Base URL ending in `/api` (`TC_API_PATH`). */
  apiPath?: string;
  /** HMAC access id (`TC_API_ACCESS_ID`). */
  accessId?: string;
  /** HMAC secret key (`TC_API_SECRET_KEY`). Never logged. */
  secretKey?: string;
  /** API token (`TC_TOKEN`), used when no access id/secret key is given. Never logged. */
  token?: string;
  /** Default owner (`TC_OWNER`). */
  owner?: string;
  /** The fetch to use (proxies, TLS settings, tests); called with one `Request`. Default: global fetch. */
  fetch?: (request: Request) => Promise<Response>;
  /** User-Agent header. Default `tcbatch/<version>`. */
  userAgent?: string;
  retry?: RetryOptions;
  /** Receives every retry. */
  onRetry?: (event: RetryEvent) => void;
  /** Clock in epoch milliseconds, for the HMAC timestamp. Default `Date.now`. */
  now?: () => number;
  /** Sleep used for `Retry-After` waits (tests inject a fake). */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Environment to read the `TC_*` variables from. Default `process.env`. */
  env?: Record<string, string | undefined>;
}

/** Per-call options. */
export interface CallOptions {
  signal?: AbortSignal;
}

/** Outcome of a `/errors` or `/results` read. */
export type ErrorsRead<T> = { state: 'ok'; records: T[] } | { state: 'none' } | { state: 'running' } | { state: 'unsupported' };

const RETRYABLE = new Set([429, 500, 502, 503, 504]);
const VERSION = '0.1.0';

/** Sleep that ends early (rejecting) when the signal fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

class RetryableStatus extends Error {
  constructor(
    readonly response: Response,
    readonly body: unknown,
    readonly retryAfterMs: number,
  ) {
    super(`HTTP ${response.status}`);
  }
}

function retryAfterMs(response: Response, now: number): number {
  const h = response.headers.get('retry-after');
  if (!h) return 0;
  const s = Number(h);
  if (Number.isFinite(s)) return Math.max(0, s * 1000);
  const d = Date.parse(h);
  return Number.isFinite(d) ? Math.max(0, d - now) : 0;
}

/** The TC message of an error answer, from the body openapi-fetch already parsed. */
function tcMessage(body: unknown): string {
  if (typeof body === 'string') return body.slice(0, 500);
  const b = body as { message?: unknown; description?: unknown } | undefined;
  const m = b?.message ?? b?.description;
  if (typeof m === 'string') return m.slice(0, 500);
  return body === undefined ? '' : JSON.stringify(body).slice(0, 500);
}

/** A ThreatConnect API client for the batch endpoints. */
export class TcClient {
  /** Base URL ending in `/api`. */
  readonly apiPath: string;
  /** Default owner (`TC_OWNER`), if any. */
  readonly owner: string | undefined;
  /** The typed openapi-fetch client, authenticated, for calls this class has no helper for. */
  readonly api: Client<paths>;
  readonly #retry: Required<RetryOptions>;
  readonly #retryListeners = new Set<(e: RetryEvent) => void>();
  readonly #sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly #now: () => number;

  /**
   * @throws ConfigError when no API path or no credentials are given or found in the environment,
   *   or a credential contains a control character (CR/LF...; the value is never echoed).
   */
  constructor(options: TcClientOptions = {}) {
    const env = options.env ?? process.env;
    const apiPath = options.apiPath ?? env.TC_API_PATH;
    if (!apiPath) throw new ConfigError('TcClient needs apiPath (or TC_API_PATH), the base URL ending in /api');
    this.apiPath = apiPath.replace(/\/+$/, '');
    this.owner = options.owner ?? env.TC_OWNER;
    const accessId = options.accessId ?? (options.token ? undefined : env.TC_API_ACCESS_ID);
    const secretKey = options.secretKey ?? (options.token ? undefined : env.TC_API_SECRET_KEY);
    const token = options.token ?? (accessId && secretKey ? undefined : env.TC_TOKEN);
    if (!(accessId && secretKey) && !token) {
      throw new ConfigError('TcClient needs accessId and secretKey (TC_API_ACCESS_ID, TC_API_SECRET_KEY) or a token (TC_TOKEN)');
    }
    assertCredentials({ accessId, secretKey, token });
    this.#retry = { retries: 4, minDelayMs: 500, maxDelayMs: 30_000, factor: 2, ...options.retry };
    if (options.onRetry) this.#retryListeners.add(options.onRetry);
    this.#sleep = options.sleep ?? sleep;
    this.#now = options.now ?? Date.now;
    const userAgent = options.userAgent ?? `tcbatch/${VERSION}`;
    const doFetch = options.fetch ?? ((r: Request) => fetch(r));
    this.api = createClient<paths>({ baseUrl: this.apiPath, fetch: (r: Request) => doFetch(r) });
    const now = this.#now;
    this.api.use({
      onRequest({ request }) {
        const url = new URL(request.url);
        const auth =
          accessId && secretKey
            ? hmacHeaders(accessId, secretKey, `${url.pathname}${url.search}`, request.method, Math.floor(now() / 1000))
            : tokenHeaders(token!);
        for (const [k, v] of Object.entries(auth)) request.headers.set(k, v);
        request.headers.set('User-Agent', userAgent);
        return request;
      },
    });
  }

  /**
   * Run one API call with retries. The call is re-issued (and re-signed) on each attempt.
   * @returns the final response (2xx or a non-retryable status) and its parsed data
   * @throws TcApiError when a retryable status persists; NetworkError when the connection keeps
   *   failing; AbortError when the signal fires.
   */
  async call<R extends { response: Response }>(method: string, path: string, run: () => Promise<R>, options: CallOptions = {}): Promise<R> {
    const { signal } = options;
    try {
      return await pRetry(
        async () => {
          if (signal?.aborted) throw new PRetryAbort(new AbortError(`${method} ${path}`, signal.reason));
          let result: R;
          try {
            result = await run();
          } catch (e) {
            if (signal?.aborted) throw new PRetryAbort(new AbortError(`${method} ${path}`, signal.reason));
            throw new NetworkError(method, path, e);
          }
          if (RETRYABLE.has(result.response.status)) {
            throw new RetryableStatus(result.response, (result as { error?: unknown }).error, retryAfterMs(result.response, this.#now()));
          }
          return result;
        },
        {
          retries: this.#retry.retries,
          minTimeout: this.#retry.minDelayMs,
          maxTimeout: this.#retry.maxDelayMs,
          factor: this.#retry.factor,
          randomize: true,
          signal,
          shouldRetry: ({ error }) => error instanceof RetryableStatus || error instanceof NetworkError,
          onFailedAttempt: async ({ error, attemptNumber, retriesLeft }) => {
            if (!(error instanceof RetryableStatus || error instanceof NetworkError) || retriesLeft === 0) return;
            const wait = error instanceof RetryableStatus ? error.retryAfterMs : 0;
            const event: RetryEvent = { type: 'retry', method, path, attempt: attemptNumber, reason: error instanceof NetworkError ? error.message : `HTTP ${error.response.status}`, retryAfterMs: wait };
            for (const listener of this.#retryListeners) listener(event);
            if (wait > 0) await this.#sleep(wait, signal);
          },
        },
      );
    } catch (e) {
      if (e instanceof RetryableStatus) throw new TcApiError({ status: e.response.status, tcMessage: tcMessage(e.body), method, path });
      if (signal?.aborted && !(e instanceof AbortError)) throw new AbortError(`${method} ${path}`, signal.reason);
      throw e;
    }
  }

  /**
   * Also send retry events to `listener` (the submit orchestrator forwards them to `onProgress`).
   * @returns a function that removes the listener
   */
  onRetry(listener: (event: RetryEvent) => void): () => void {
    this.#retryListeners.add(listener);
    return () => void this.#retryListeners.delete(listener);
  }

  #fail(method: string, path: string, r: { response: Response; error?: unknown; data?: unknown }): never {
    throw new TcApiError({ status: r.response.status, tcMessage: tcMessage(r.error ?? r.data), method, path });
  }

  #ok(body: unknown): boolean {
    return (body as { status?: string } | undefined)?.status === 'Success';
  }

  /**
   * `POST /v2/batch`: create a job (tc-batch-api.md §3.1).
   * @returns the batch id
   * @throws TcApiError unless the answer is 2xx with status Success.
   */
  async createJob(config: Record<string, unknown>, options?: CallOptions): Promise<number> {
    const path = '/v2/batch';
    const r = await this.call('POST', path, () => this.api.POST('/v2/batch', { body: config as never, signal: options?.signal }), options);
    if (!r.response.ok || !this.#ok(r.data)) return this.#fail('POST', path, r);
    return r.data!.data.batchId;
  }

  /**
   * `POST /v2/batch/createAndUpload?includeAdditional=true`: multipart `config` + `content`
   * (tc-batch-api.md §3.3).
   * @returns the job status (already Completed when the server processed it synchronously)
   */
  async createAndUpload(config: Record<string, unknown>, content: string, options?: CallOptions): Promise<BatchStatus> {
    const path = '/v2/batch/createAndUpload?includeAdditional=true';
    const r = await this.call(
      'POST',
      path,
      () => {
        const form = new FormData();
        form.append('config', JSON.stringify(config));
        form.append('content', content);
        return this.api.POST('/v2/batch/createAndUpload', {
          params: { query: { includeAdditional: true } },
          body: form as never,
          bodySerializer: (b: unknown) => b as FormData,
          signal: options?.signal,
        });
      },
      options,
    );
    if (!r.response.ok || !this.#ok(r.data)) return this.#fail('POST', path, r);
    return (r.data as { data: { batchStatus: BatchStatus } }).data.batchStatus;
  }

  /**
   * `POST /v2/batch/{id}`: upload a created job's content as octet-stream (tc-batch-api.md §3.2).
   * @throws TcApiError, e.g. 400 "File size greater than allowable limit of N".
   */
  async uploadData(batchId: number, content: string, options?: CallOptions): Promise<BatchStatus | undefined> {
    const path = `/v2/batch/${batchId}`;
    const r = await this.call(
      'POST',
      path,
      () =>
        this.api.POST('/v2/batch/{batchId}', {
          params: { path: { batchId } },
          body: content as never,
          bodySerializer: (b: unknown) => b as string,
          headers: { 'Content-Type': 'application/octet-stream' },
          signal: options?.signal,
        }),
      options,
    );
    if (!r.response.ok) return this.#fail('POST', path, r);
    return (r.data as { data?: { batchStatus?: BatchStatus } } | undefined)?.data?.batchStatus;
  }

  /** `GET /v2/batch/{id}?includeAdditional=true` (tc-batch-api.md §3.4). */
  async status(batchId: number, options?: CallOptions): Promise<BatchStatus> {
    const path = `/v2/batch/${batchId}?includeAdditional=true`;
    const r = await this.call('GET', path, () => this.api.GET('/v2/batch/{batchId}', { params: { path: { batchId }, query: { includeAdditional: true } }, signal: options?.signal }), options);
    if (!r.response.ok || !this.#ok(r.data)) return this.#fail('GET', path, r);
    return r.data!.data.batchStatus;
  }

  /**
   * `GET /v2/batch/{id}/errors` (tc-batch-api.md §3.5): 404 means none, 400 means still running;
   * the body is a gzip JSON array, decoded whether or not the transport already gunzipped it.
   */
  async errors(batchId: number, options?: CallOptions): Promise<ErrorsRead<BatchErrorRecord>> {
    const path = `/v2/batch/${batchId}/errors`;
    const r = await this.call('GET', path, () => this.api.GET('/v2/batch/{batchId}/errors', { params: { path: { batchId } }, parseAs: 'arrayBuffer', signal: options?.signal }), options);
    if (r.response.status === 404) return { state: 'none' };
    if (r.response.status === 400) return { state: 'running' };
    if (!r.response.ok) return this.#fail('GET', path, r);
    let bytes = Buffer.from(r.data as ArrayBuffer);
    if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    const records = JSON.parse(bytes.toString('utf8')) as BatchErrorRecord[];
    return { state: 'ok', records };
  }

  /** `GET /v2/batch/{id}/results` (tc-batch-api.md §3.6); `unsupported` on servers without it. */
  async results(batchId: number, filters: { code?: string; severity?: 'err' | 'error' | 'info' | 'warn' | 'warning'; contains?: string } = {}, options?: CallOptions): Promise<ErrorsRead<BatchResultRecord>> {
    const path = `/v2/batch/${batchId}/results`;
    const r = await this.call('GET', path, () => this.api.GET('/v2/batch/{batchId}/results', { params: { path: { batchId }, query: filters }, signal: options?.signal }), options);
    if (r.response.status === 404) return { state: 'none' };
    if (r.response.status === 400) return { state: 'running' };
    if (r.response.status === 405 || r.response.status === 501) return { state: 'unsupported' };
    if (!r.response.ok) return this.#fail('GET', path, r);
    return { state: 'ok', records: r.data as BatchResultRecord[] };
  }

  /**
   * Upload a Document/Report file by the group's xid (tc-batch-api.md §3.7): POST, then PUT when
   * the server answers 401 because the file exists.
   * @returns the HTTP status of the last request
   * @throws TcApiError when neither succeeds.
   */
  async uploadFile(branch: 'documents' | 'reports', xid: string, body: Uint8Array, owner: string, options?: CallOptions): Promise<number> {
    const path = `/v2/groups/${branch}/${encodeURIComponent(xid)}/upload?owner=${encodeURIComponent(owner)}&updateIfExists=true`;
    const send = (method: 'POST' | 'PUT') =>
      this.call(
        method,
        path,
        () => {
          const init = {
            params: { path: { groupBranch: branch, xid }, query: { owner, updateIfExists: true } },
            body: body as never,
            bodySerializer: (b: unknown) => b as Uint8Array,
            headers: { 'Content-Type': 'application/octet-stream' },
            signal: options?.signal,
          };
          return method === 'POST' ? this.api.POST('/v2/groups/{groupBranch}/{xid}/upload', init) : this.api.PUT('/v2/groups/{groupBranch}/{xid}/upload', init);
        },
        options,
      );
    let r = await send('POST');
    if (r.response.status === 401) r = await send('PUT');
    if (!r.response.ok) return this.#fail(r.response.status === 401 ? 'PUT' : 'POST', path, r);
    return r.response.status;
  }

  /** `GET /v2/owners`. */
  async owners(options?: CallOptions): Promise<Array<{ id: number; name: string; type: string }>> {
    const r = await this.call('GET', '/v2/owners', () => this.api.GET('/v2/owners', { signal: options?.signal }), options);
    if (!r.response.ok || !this.#ok(r.data)) return this.#fail('GET', '/v2/owners', r);
    return r.data!.data.owner;
  }

  /** `GET /v2/types/indicatorTypes` (the input of `codegen --indicator-types`). */
  async indicatorTypes(options?: CallOptions): Promise<IndicatorTypesResponse> {
    const r = await this.call('GET', '/v2/types/indicatorTypes', () => this.api.GET('/v2/types/indicatorTypes', { signal: options?.signal }), options);
    if (!r.response.ok) return this.#fail('GET', '/v2/types/indicatorTypes', r);
    return r.data as IndicatorTypesResponse;
  }
}
