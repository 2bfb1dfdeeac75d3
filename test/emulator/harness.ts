/**
 * Shared setup of the emulator tests: an in-process server on port 0 with a fixed clock, one HMAC
 * credential, one token and two owners, plus helpers that run a job to completion.
 */
import { setImmediate as tick } from 'node:timers/promises';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { ACCESS_ID, NOW_MS, SECRET_KEY, TOKEN, call, getRaw, gunzipJson, type Reply } from './signer.js';

export const OWNER = 'MyOrg';
export const OTHER = 'OtherOrg';

/** Start an emulator with the test credentials. */
export function start(extra: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    owners: [OWNER, OTHER],
    credentials: [{ accessId: ACCESS_ID, secretKey: SECRET_KEY }],
    tokens: [TOKEN],
    clock: () => NOW_MS,
    ...extra,
  });
}

/** A V2 job config with tcex's usual settings; `over` replaces fields. */
export function config(over: Record<string, unknown> = {}): Record<string, unknown> {
  return { version: 'V2', owner: OWNER, haltOnError: false, action: 'Create', attributeWriteType: 'Replace', ...over };
}

/** Poll GET /v2/batch/{id}?includeAdditional=true until Completed (no real sleeping: one event-loop turn per poll). */
export async function waitDone(base: string, id: number, maxPolls = 200): Promise<Record<string, number | string>> {
  for (let i = 0; i < maxPolls; i++) {
    const r = await call(base, 'GET', `/v2/batch/${id}?includeAdditional=true`);
    if (r.json?.data?.batchStatus?.status === 'Completed') return r.json.data.batchStatus;
    await tick();
  }
  throw new Error(`job ${id} did not complete`);
}

/** Create a job, upload `content` (object or raw string), wait for completion; returns id and status. */
export async function runJob(base: string, content: unknown, over: Record<string, unknown> = {}) {
  const created = await call(base, 'POST', '/v2/batch', config(over));
  if (created.status !== 201) throw new Error(`create failed: ${created.status} ${created.text}`);
  const id = created.json.data.batchId as number;
  const up = await call(base, 'POST', `/v2/batch/${id}`, typeof content === 'string' ? content : JSON.stringify(content));
  if (up.status !== 202) throw new Error(`upload failed: ${up.status} ${up.text}`);
  const status = await waitDone(base, id);
  return { id, status };
}

/** The gunzipped error records of a job ([] when the endpoint says 404). */
export async function errorsOf(base: string, id: number): Promise<Array<Record<string, string>>> {
  const r = await getRaw(base, `/v2/batch/${id}/errors`);
  if (r.status === 404) return [];
  return gunzipJson(r.body) as Array<Record<string, string>>;
}

/** GET a v3 group by xid. */
export function readGroup(base: string, xid: string, owner = OWNER): Promise<Reply> {
  return call(base, 'GET', `/v3/groups/${encodeURIComponent(xid)}?owner=${encodeURIComponent(owner)}`);
}

/** GET a v3 indicator by summary. */
export function readIndicator(base: string, summary: string, type: string, owner = OWNER): Promise<Reply> {
  return call(base, 'GET', `/v3/indicators/${encodeURIComponent(summary)}?owner=${encodeURIComponent(owner)}&type=${encodeURIComponent(type)}`);
}
