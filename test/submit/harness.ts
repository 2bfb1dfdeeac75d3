/**
 * Shared setup of the submit fault tests: an emulator on a real port, a lossy proxy in front of
 * it, a client through the proxy with fast retries and no real sleeping, and readers of the exact
 * server state (every job the emulator issued, every indicator with its attributes, file content).
 */
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';
import { TcClient, type ProgressEvent } from '../../src/index.js';
import { startLossyProxy, type LossyProxy, type SpoilRule } from './lossy-proxy.js';

export const CREDS = { accessId: 'fault-id', secretKey: 'fault-secret-key-123' };
export const OWNER = 'MyOrg';
/** Poll without waiting (the emulator's jobs finish on their own timers). */
export const NO_WAIT = { firstWait: 0, interval: 0, factor: 1, sleep: async () => {} };

export interface Rig {
  emu: RunningEmulator;
  proxy: LossyProxy;
  /** Through the proxy. */
  client: TcClient;
  /** Straight to the emulator, for reading the server state. */
  direct: TcClient;
  events: ProgressEvent[];
  close(): Promise<void>;
}

/** Start emulator + proxy + clients. */
export async function rig(rules: SpoilRule[] = [], emulator: EmulatorOptions = {}): Promise<Rig> {
  const emu = await startEmulator({ credentials: [CREDS], owners: [OWNER], ...emulator });
  const proxy = await startLossyProxy(emu.url, rules);
  const fast = { retries: 3, minDelayMs: 1, maxDelayMs: 2 };
  const client = new TcClient({ apiPath: proxy.url, ...CREDS, owner: OWNER, env: {}, retry: fast, sleep: async () => {} });
  const direct = new TcClient({ apiPath: emu.url, ...CREDS, owner: OWNER, env: {}, retry: fast, sleep: async () => {} });
  return {
    emu,
    proxy,
    client,
    direct,
    events: [],
    close: async () => {
      await proxy.close();
      await emu.close();
    },
  };
}

/** Every batch job the emulator issued (ids 1, 2, ... until the first 404), with its status. */
export async function serverJobs(direct: TcClient): Promise<Array<{ id: number; status: string; successCount: number; errorCount: number; unprocessCount: number }>> {
  const out = [];
  for (let id = 1; ; id++) {
    const s = await direct.status(id).catch((e: { status?: number }) => {
      if (e.status === 404) return undefined;
      throw e;
    });
    if (!s) return out;
    out.push({ id, status: s.status, successCount: s.successCount ?? 0, errorCount: s.errorCount ?? 0, unprocessCount: s.unprocessCount ?? 0 });
  }
}

/** The indicators of the owner with their attribute values, by summary. */
export async function serverIndicators(direct: TcClient): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  let path: string | undefined = `/v3/indicators?owner=${OWNER}&resultLimit=10000`;
  while (path) {
    const p: string = path;
    const r = await direct.call('GET', p, () => (direct.api as unknown as { GET: (p: string, o: unknown) => Promise<{ response: Response; data: unknown }> }).GET(p.split('?')[0]!, { params: { query: Object.fromEntries(new URL(p, 'http://x').searchParams) } }));
    const body = r.data as { data: Array<{ summary: string; attributes?: { data: Array<{ value: string }> } }>; next?: string };
    for (const i of body.data) out.set(i.summary, (i.attributes?.data ?? []).map((a) => a.value));
    path = body.next?.replace(/^\/api/, '');
  }
  return out;
}

/** A group's file content through the v3 download route (undefined when it has none). */
export async function fileContent(direct: TcClient, xid: string): Promise<string | undefined> {
  const r = await (direct.api as unknown as { GET: (p: string, o: unknown) => Promise<{ response: Response; data: unknown }> }).GET(`/v3/groups/${encodeURIComponent(xid)}/download`, { params: { query: { owner: OWNER } }, parseAs: 'text' });
  return r.response.status === 200 ? (r.data as string) : undefined;
}

/** Requests of the proxy log that upload data (`POST /api/v2/batch/{id}`), as batch ids. */
export function uploads(proxy: LossyProxy): number[] {
  return proxy.log.filter((l) => l.method === 'POST' && /^\/api\/v2\/batch\/\d+$/.test(l.path)).map((l) => Number(l.path.split('/').pop()));
}
