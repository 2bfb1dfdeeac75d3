/**
 * `TcClient`: a typed ThreatConnect API client for the batch endpoints, built on openapi-fetch over
 * the generated OpenAPI types (`generated/client/openapi.ts`). Authentication is a middleware that
 * signs the URL exactly as it is sent. Retries (p-retry, exponential backoff with jitter) follow one
 * decision (`retry.ts`): 429 always (honouring `Retry-After`); 5xx and dropped connections only for
 * idempotent requests, never for batch data uploads; refused connections briefly; unknown hosts,
 * bad URLs and TLS errors never. Bodies are parsed here: a 2xx answer that is not the expected JSON
 * is a `BadAnswerError`, never a network error and never a reason to resend. Every retry is
 * reported as an event. No secret ever reaches an error, event or log.
 */
import { gunzipSync } from 'node:zlib';
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../generated/client/openapi.js';
import type { BatchErrorRecord, BatchResultRecord, BatchStatus, IndicatorTypesResponse } from '../../generated/types/index.js';
import { assertCredentials, hmacHeaders, tokenHeaders } from './auth.js';
import { AbortError, BadAnswerError, ConfigError, NetworkError, TcApiError } from './errors.js';
import { TcBatchError } from '../errors.js';
import { RETRYABLE_STATUSES, shouldRetry, type AttemptFailure } from './retry.js';

/**
 * p-retry, imported at the first call: it is an ES module only, and a dynamic `import()` (kept as
 * it is in the CommonJS build) loads it on every Node 20, where `require()` of an ES module needs
 * 20.19 or later.
 */
let pRetryModule: Promise<typeof import('p-retry')> | undefined;
const loadPRetry = (): Promise<typeof import('p-retry')> => (pRetryModule ??= import('p-retry'));

/** Retry policy of a {@link TcClient}. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3 (a refused connection: 2 at most). */
  retries?: number;
  /** First backoff delay, milliseconds. Default 300. */
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

/** A retryable status inside the retry loop; it leaves `call()` as a {@link TcApiError}. */
class RetryableStatus extends TcBatchError {
  constructor(
    readonly response: Response,
    readonly body: unknown,
    readonly retryAfterMs: number,
  ) {
    super('TCB_API_ERROR', `HTTP ${response.status}`);
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

/** The retry view of a failed attempt (undefined: not a retryable kind of failure). */
function attemptFailure(error: unknown): AttemptFailure | undefined {
  if (error instanceof RetryableStatus) return { kind: 'status', status: error.response.status, message: tcMessage(error.body) };
  if (error instanceof NetworkError) return { kind: 'network', failure: error.failure };
  return undefined;
}

/** A 401 that refuses the caller (credentials, signature, permission), not "the file exists". */
function isRefusal(message: string): boolean {
  return /permission|not authori[sz]ed|unauthori[sz]ed|access denied|signature|timestamp|token/i.test(message);
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
    this.#retry = { retries: 3, minDelayMs: 300, maxDelayMs: 30_000, factor: 2, ...options.retry };
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
   * Run one API call with retries (one decision for all calls: `shouldRetry` in `retry.ts`). The
   * call is re-issued (and re-signed) on each attempt.
   * @param idempotent whether the request may be resent after the server may have acted on it
   *   (default true; false for batch data uploads, which the submit orchestrator re-sends only
   *   after asking the job's status)
   * @returns the final response (2xx or a non-retryable status) and its parsed data
   * @throws TcApiError when a retryable status persists; NetworkError when the connection keeps
   *   failing (at once for unknown hosts, bad URLs and TLS errors); AbortError when the signal fires.
   */
  async call<R extends { response: Response }>(method: string, path: string, run: () => Promise<R>, options: CallOptions = {}, idempotent = true): Promise<R> {
    const { signal } = options;
    const retries = this.#retry.retries;
    const { default: pRetry, AbortError: PRetryAbort } = await loadPRetry();
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
          if (RETRYABLE_STATUSES.has(result.response.status)) {
            throw new RetryableStatus(result.response, (result as { error?: unknown }).error, retryAfterMs(result.response, this.#now()));
          }
          return result;
        },
        {
          retries,
          minTimeout: this.#retry.minDelayMs,
          maxTimeout: this.#retry.maxDelayMs,
          factor: this.#retry.factor,
          randomize: true,
          signal,
          shouldRetry: ({ error, attemptNumber }) => {
            const failure = attemptFailure(error);
            return failure !== undefined && shouldRetry(failure, attemptNumber, retries, idempotent);
          },
          onFailedAttempt: async ({ error, attemptNumber }) => {
            const failure = attemptFailure(error);
            if (!failure || !shouldRetry(failure, attemptNumber, retries, idempotent)) return;
            const wait = error instanceof RetryableStatus ? error.retryAfterMs : 0;
            const event: RetryEvent = { type: 'retry', method, path, attempt: attemptNumber, reason: error instanceof NetworkError ? error.message : `HTTP ${(error as RetryableStatus).response.status}`, retryAfterMs: wait };
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

  /**
   * The JSON body of a 2xx answer read as text (`parseAs: 'text'`), checked for the envelope
   * `{"status":"Success","data":{...}}` when `envelope` is set.
   * @throws BadAnswerError when the body is not JSON or not the envelope (the request was handled).
   */
  #json<T>(method: string, path: string, r: { response: Response; data?: unknown }, envelope: boolean): T {
    const text = typeof r.data === 'string' ? r.data : '';
    let body: unknown;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch (e) {
      throw new BadAnswerError({ status: r.response.status, method, path, detail: (e as Error).message });
    }
    if (envelope) {
      const b = body as { status?: unknown; data?: unknown } | undefined;
      if (b?.status !== 'Success' || typeof b.data !== 'object' || b.data === null) {
        throw new BadAnswerError({ status: r.response.status, method, path, detail: `expected {"status":"Success","data":{...}}, got ${JSON.stringify(body)?.slice(0, 200) ?? 'nothing'}` });
      }
    }
    return body as T;
  }

  /**
   * `POST /v2/batch`: create a job (ThreatConnect V2 Batch API: "Create a batch job"). Resent on
   * lost answers: an extra empty job holds no data and does nothing.
   * @returns the batch id
   * @throws TcApiError unless the answer is 2xx; BadAnswerError when a 2xx body has no batch id.
   */
  async createJob(config: Record<string, unknown>, options?: CallOptions): Promise<number> {
    const path = '/v2/batch';
    const r = await this.call('POST', path, () => this.api.POST('/v2/batch', { body: config as never, parseAs: 'text', signal: options?.signal }), options);
    if (!r.response.ok) return this.#fail('POST', path, r);
    const id = this.#json<{ data: { batchId?: unknown } }>('POST', path, r, true).data.batchId;
    if (typeof id !== 'number') throw new BadAnswerError({ status: r.response.status, method: 'POST', path, detail: 'no numeric data.batchId' });
    return id;
  }

  /**
   * `POST /v2/batch/createAndUpload?includeAdditional=true`: multipart `config` + `content` (the
   * one-call form TcEx uses). Not idempotent: never resent after the server may have received it.
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
          parseAs: 'text',
          signal: options?.signal,
        });
      },
      options,
      false,
    );
    if (!r.response.ok) return this.#fail('POST', path, r);
    return this.#json<{ data: { batchStatus: BatchStatus } }>('POST', path, r, true).data.batchStatus;
  }

  /**
   * `POST /v2/batch/{id}`: upload a created job's content as `application/octet-stream`
   * (ThreatConnect V2 Batch API: "Upload batch data"). Not idempotent: not resent on a lost answer,
   * a dropped connection or a 5xx (the caller asks `status()` whether the job has its data).
   * @returns the status the server answered (undefined when the body had none)
   * @throws TcApiError, e.g. 400 "File size greater than allowable limit of N"; NetworkError;
   *   BadAnswerError when a 2xx body is not JSON (the data was accepted).
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
          parseAs: 'text',
          signal: options?.signal,
        }),
      options,
      false,
    );
    if (!r.response.ok) return this.#fail('POST', path, r);
    return this.#json<{ data?: { batchStatus?: BatchStatus } } | undefined>('POST', path, r, false)?.data?.batchStatus;
  }

  /** `GET /v2/batch/{id}?includeAdditional=true`: the job's status and counts (`Created` until its data arrived). */
  async status(batchId: number, options?: CallOptions): Promise<BatchStatus> {
    const path = `/v2/batch/${batchId}?includeAdditional=true`;
    const r = await this.call('GET', path, () => this.api.GET('/v2/batch/{batchId}', { params: { path: { batchId }, query: { includeAdditional: true } }, parseAs: 'text', signal: options?.signal }), options);
    if (!r.response.ok) return this.#fail('GET', path, r);
    const status = this.#json<{ data: { batchStatus?: BatchStatus } }>('GET', path, r, true).data.batchStatus;
    if (typeof status?.status !== 'string') throw new BadAnswerError({ status: r.response.status, method: 'GET', path, detail: 'no data.batchStatus.status' });
    return status;
  }

  /**
   * `GET /v2/batch/{id}/errors`: 404 means none, 400 means still running; the body is a gzip JSON
   * array, decoded whether or not the transport already gunzipped it.
   * @throws BadAnswerError when the body is not a JSON array.
   */
  async errors(batchId: number, options?: CallOptions): Promise<ErrorsRead<BatchErrorRecord>> {
    const path = `/v2/batch/${batchId}/errors`;
    const r = await this.call('GET', path, () => this.api.GET('/v2/batch/{batchId}/errors', { params: { path: { batchId } }, parseAs: 'arrayBuffer', signal: options?.signal }), options);
    if (r.response.status === 404) return { state: 'none' };
    if (r.response.status === 400) return { state: 'running' };
    if (!r.response.ok) return this.#fail('GET', path, r);
    let bytes = Buffer.from((r.data as ArrayBuffer | undefined) ?? new ArrayBuffer(0));
    try {
      if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
    } catch (e) {
      throw new BadAnswerError({ status: r.response.status, method: 'GET', path, detail: `gzip: ${(e as Error).message}` });
    }
    const records = this.#json<unknown>('GET', path, { response: r.response, data: bytes.toString('utf8') }, false);
    if (!Array.isArray(records)) throw new BadAnswerError({ status: r.response.status, method: 'GET', path, detail: 'not a JSON array' });
    return { state: 'ok', records: records as BatchErrorRecord[] };
  }

  /**
   * `GET /v2/batch/{id}/results`: `none` on 404 (which older servers also answer when they lack
   * the endpoint, so callers fall back to `/errors`), `unsupported` on 405/501.
   */
  async results(batchId: number, filters: { code?: string; severity?: 'err' | 'error' | 'info' | 'warn' | 'warning'; contains?: string } = {}, options?: CallOptions): Promise<ErrorsRead<BatchResultRecord>> {
    const path = `/v2/batch/${batchId}/results`;
    const r = await this.call('GET', path, () => this.api.GET('/v2/batch/{batchId}/results', { params: { path: { batchId }, query: filters }, parseAs: 'text', signal: options?.signal }), options);
    if (r.response.status === 404) return { state: 'none' };
    if (r.response.status === 400) return { state: 'running' };
    if (r.response.status === 405 || r.response.status === 501) return { state: 'unsupported' };
    if (!r.response.ok) return this.#fail('GET', path, r);
    const records = this.#json<unknown>('GET', path, r, false);
    if (!Array.isArray(records)) throw new BadAnswerError({ status: r.response.status, method: 'GET', path, detail: 'not a JSON array' });
    return { state: 'ok', records: records as BatchResultRecord[] };
  }

  /**
   * Upload a Document/Report file by the group's xid (ThreatConnect V2 API: "Upload Document
   * contents"): POST, then PUT when the server answers 401 because the file exists. A 401 that
   * refuses the credentials or the permission (its message says so) is not turned into a PUT.
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
    if (r.response.status === 401 && !isRefusal(tcMessage(r.error ?? r.data))) r = await send('PUT');
    if (!r.response.ok) return this.#fail(r.response.status === 401 ? 'PUT' : 'POST', path, r);
    return r.response.status;
  }

  /** `GET /v2/owners`. */
  async owners(options?: CallOptions): Promise<Array<{ id: number; name: string; type: string }>> {
    const r = await this.call('GET', '/v2/owners', () => this.api.GET('/v2/owners', { parseAs: 'text', signal: options?.signal }), options);
    if (!r.response.ok) return this.#fail('GET', '/v2/owners', r);
    return this.#json<{ data: { owner: Array<{ id: number; name: string; type: string }> } }>('GET', '/v2/owners', r, true).data.owner;
  }

  /** `GET /v2/types/indicatorTypes` (the input of `codegen --indicator-types`). */
  async indicatorTypes(options?: CallOptions): Promise<IndicatorTypesResponse> {
    const r = await this.call('GET', '/v2/types/indicatorTypes', () => this.api.GET('/v2/types/indicatorTypes', { parseAs: 'text', signal: options?.signal }), options);
    if (!r.response.ok) return this.#fail('GET', '/v2/types/indicatorTypes', r);
    return this.#json<IndicatorTypesResponse>('GET', '/v2/types/indicatorTypes', r, false);
  }
}
