// The submit flow against the emulator (a real server on a real port, started in-process):
// the seed's option 1 and option 2, many jobs, Delete, files, errors, polling and retries.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Batch, type ProgressEvent, PollTimeoutError, TcClient } from '../../src/index.js';

const CREDS = { accessId: 'test-id', secretKey: 'test-secret-key-123' };
const OWNER = 'MyOrg';
const noWait = { firstWait: 0, interval: 0, backOff: 0 };

let emu: RunningEmulator;
let client: TcClient;

beforeAll(async () => {
  emu = await startEmulator({ credentials: [CREDS], owners: [OWNER] });
  client = new TcClient({ apiPath: emu.url, ...CREDS, owner: OWNER, env: {} });
});
afterAll(async () => {
  await emu.close();
});

async function v3(path: string): Promise<{ status: number; body: unknown }> {
  // read back through the product client's signed openapi-fetch instance (GET on v3 paths the spec does not type)
  const url = new URL(`${emu.url}${path}`);
  const r = await (client.api as unknown as { GET: (p: string, o: unknown) => Promise<{ response: Response; data: unknown; error: unknown }> }).GET(url.pathname.replace(/^\/api/, '') as never, {
    params: { query: Object.fromEntries(url.searchParams) },
  });
  return { status: r.response.status, body: r.data ?? r.error };
}

describe('option 1: batch.submit()', () => {
  it('the seed example: submit with errors, read result.errors', async () => {
    const batch = new Batch({ client, owner: OWNER, haltOnError: false });
    const adversary = batch.adversary('adversary-001', 'opt1-adv');
    adversary.attribute('Description', 'Example Description', true);
    batch.address('123.124.125.126', '5.0', '100').association(adversary);
    batch.addIndicator({ type: 'Host', summary: 'ok.example.com', xid: 'h1' });
    const events: ProgressEvent[] = [];
    const batchData = await batch.submit({ errors: true, poll: noWait, onProgress: (e) => events.push(e) });
    const errors = batchData.errors;
    expect(errors).toStrictEqual([]);
    expect(batchData.jobs).toHaveLength(1);
    const job = batchData.jobs[0]!;
    expect(job.status).toMatchObject({ status: 'Completed', successCount: 3, errorCount: 0, unprocessCount: 0, successGroupCount: 1, successIndicatorCount: 2 });
    expect(job.settings).toStrictEqual(batch.settings);
    const none = { rejected: 0, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 };
    expect(batchData.totals).toStrictEqual({
      chunks: 1,
      sent: { groups: 1, indicators: 2, associations: 0 },
      total: 3,
      succeeded: 3,
      ...none,
      groups: { total: 1, succeeded: 1, ...none },
      indicators: { total: 2, succeeded: 2, ...none },
      associations: { total: 0, succeeded: 0, ...none },
    });
    expect(events.map((e) => e.type)).toStrictEqual(['chunk-built', 'job-created', 'chunk-sent', ...events.filter((e) => e.type === 'poll').map(() => 'poll'), 'completed']);
    const stored = await v3(`/v3/indicators/123.124.125.126?owner=${OWNER}&type=Address`);
    expect(stored.status).toBe(200);
    expect(JSON.stringify(stored.body)).toContain('opt1-adv');
  });

  it('server-side errors come back as parsed records naming the item', async () => {
    const batch = new Batch({ client, owner: OWNER, haltOnError: false });
    batch.host('good.example.com', undefined, undefined, 'g1');
    // an invalid host cannot be built (the builder refuses it), so it arrives as raw content the emulator judges
    const result = await submitRaw(batch, { group: [], indicator: [{ type: 'Host', summary: 'bad_host', xid: 'bad-1' }, { type: 'Host', summary: 'fine.example.com', xid: 'fine-1' }] });
    expect(result.status?.errorCount).toBe(1);
    expect(result.errors).toHaveLength(1);
    // sent outside a chunk of this batch, so there is no item to name; see the chunk test below for that
    expect(result.errors[0]).toMatchObject({ batchId: result.status.id, code: '0x1005', severity: 'Error', critical: false, item: undefined });
    expect(result.errors[0]!.reason.startsWith('Error (0x1005): bad_host is not valid.')).toBe(true);
  });

  it('60,000 indicators go in several jobs and every item is accounted for', async () => {
    const batch = new Batch({ client, owner: OWNER, haltOnError: false });
    for (let i = 0; i < 60_000; i++) batch.address(`10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`);
    const result = await batch.submit({ poll: noWait });
    expect(result.jobs).toHaveLength(12);
    expect(result.totals.sent.indicators).toBe(60_000);
    expect(result.totals.succeeded + result.totals.failed + result.totals.unprocessed).toBe(60_000);
    expect(result.totals.succeeded).toBe(60_000);
    expect(new Set(result.jobs.map((j) => j.batchId)).size).toBe(12);
  }, 120_000);

  it('Delete goes through POST /v2/batch and POST /v2/batch/{id}, and removes the items', async () => {
    const create = new Batch({ client, owner: OWNER });
    create.host('delete-me.example.com', undefined, undefined, 'del-1');
    await create.submit({ poll: noWait });
    expect((await v3(`/v3/indicators/delete-me.example.com?owner=${OWNER}&type=Host`)).status).toBe(200);
    const del = new Batch({ client, owner: OWNER, action: 'Delete' });
    del.host('delete-me.example.com', undefined, undefined, 'del-1');
    const paths: string[] = [];
    const spyClient = new TcClient({ apiPath: emu.url, ...CREDS, env: {}, fetch: (r: Request) => (paths.push(`${r.method} ${new URL(r.url).pathname}`), fetch(r)) });
    del.client = spyClient;
    const result = await del.submit({ poll: noWait });
    expect(paths.slice(0, 2)).toStrictEqual(['POST /api/v2/batch', `POST /api/v2/batch/${result.jobs[0]!.batchId}`]);
    expect(result.jobs[0]!.settings.action).toBe('Delete');
    expect((await v3(`/v3/indicators/delete-me.example.com?owner=${OWNER}&type=Host`)).status).toBe(404);
  });

  it('uploads files by value and by async callback; a failing callback is recorded, not sent', async () => {
    const batch = new Batch({ client, owner: OWNER });
    batch.document('doc-by-value', 'a.txt', 'f-value').fileContent = 'content by value';
    batch.report({ name: 'report-by-callback', xid: 'f-callback', fileName: 'r.pdf', fileContent: async (xid: string) => `callback for ${xid}` });
    batch.document('doc-failing', 'b.txt', 'f-fail').fileContent = () => {
      throw new Error('feed unavailable');
    };
    const result = await batch.submit({ poll: noWait });
    const byXid = Object.fromEntries(result.files.map((f) => [f.xid, f]));
    expect(byXid['f-value']).toMatchObject({ uploaded: true, type: 'Document', fileName: 'a.txt' });
    expect(byXid['f-callback']).toMatchObject({ uploaded: true, type: 'Report', fileName: 'r.pdf' });
    expect(byXid['f-fail']).toMatchObject({ uploaded: false, error: 'feed unavailable' });
    const download = await fetchSigned(`/v3/groups/f-callback/download?owner=${OWNER}`);
    expect(download).toBe('callback for f-callback');
  });
});

describe('synchronous createAndUpload', () => {
  it('the client still offers the one-call form; its synchronous answer is already Completed', async () => {
    const sync = await startEmulator({ credentials: [CREDS], owners: [OWNER], timing: { synchronousLimit: 100 } });
    try {
      const c = new TcClient({ apiPath: sync.url, ...CREDS, env: {} });
      const status = await c.createAndUpload({ version: 'V2', owner: OWNER, action: 'Create', attributeWriteType: 'Replace', haltOnError: 'false' }, JSON.stringify({ indicator: [{ type: 'Host', summary: 'sync.example.com', xid: 's1' }] }));
      expect(status).toMatchObject({ status: 'Completed', successCount: 1 });
    } finally {
      await sync.close();
    }
  });
});

describe('option 2: step by step', () => {
  it('the seed example: submitJob, submitData, poll, errors, submitFiles', async () => {
    const batch = new Batch({ client, owner: OWNER, haltOnError: false });
    batch.document('opt2-doc', 'o.txt', 'opt2-doc').fileContent = 'option 2 file';
    batch.indicator('Host', 'opt2.example.com', '5.0', '100');
    const batchId = await batch.submitJob();
    expect(batchId).toBeTypeOf('number');
    await batch.submitData(batchId);
    const batchStatus = await batch.poll(batchId, noWait);
    expect(batchStatus).toMatchObject({ id: batchId, status: 'Completed', successCount: 2, errorCount: 0 });
    if (batchStatus.errorCount! > 0) expect.unreachable();
    expect(await batch.errors(batchId)).toStrictEqual([]);
    const uploadStatus = await batch.submitFiles();
    expect(uploadStatus).toStrictEqual([{ xid: 'opt2-doc', type: 'Document', fileName: 'o.txt', uploaded: true, status: 200 }]);
    expect(await batch.submitData(batchId)).toBeUndefined();
  });

  it('a poll that never completes throws PollTimeoutError carrying the batch id (fake sleep)', async () => {
    const slow = await startEmulator({ credentials: [CREDS], owners: [OWNER], faults: { stuckJobRate: 1 } });
    try {
      const c = new TcClient({ apiPath: slow.url, ...CREDS, env: {} });
      const batch = new Batch({ client: c, owner: OWNER });
      batch.host('stuck.example.com');
      const id = await batch.submitJob();
      await batch.submitData(id);
      let slept = 0;
      const err = await batch.poll(id, { timeout: 60, sleep: async (ms) => void (slept += ms) }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PollTimeoutError);
      expect((err as PollTimeoutError).batchId).toBe(id);
      expect((err as PollTimeoutError).code).toBe('TCB_POLL_TIMEOUT');
      // first wait max(ceil(1/300), 5) = 5 s, then min(5 + n*2.5, 20): 7, 10, 12, 15, then 11 to reach the 60 s deadline
      expect(slept).toBe(60_000);
    } finally {
      await slow.close();
    }
  });
});

describe('retries under fault injection', () => {
  it('completes with 10% 5xx, 429 with Retry-After and dropped connections, every item stored once', async () => {
    const faulty = await startEmulator({
      credentials: [CREDS],
      owners: [OWNER],
      faults: { seed: 7, errorRate: 0.1, rateLimitRate: 0.05, retryAfterSeconds: 2, dropRate: 0.05 },
    });
    try {
      const retries: ProgressEvent[] = [];
      let waitedMs = 0;
      const c = new TcClient({
        apiPath: faulty.url,
        ...CREDS,
        env: {},
        retry: { retries: 8, minDelayMs: 1, maxDelayMs: 5 },
        sleep: async (ms) => void (waitedMs += ms),
        onRetry: (e) => retries.push(e),
      });
      const batch = new Batch({ client: c, owner: OWNER, haltOnError: false, limits: { maxItems: 500 } });
      for (let i = 0; i < 6_000; i++) batch.address(`172.16.${(i >> 8) & 255}.${i & 255}`);
      const progress: ProgressEvent[] = [];
      const result = await batch.submit({ poll: noWait, onProgress: (e) => progress.push(e) });
      expect(result.halted).toBe(false);
      expect(result.totals.sent.indicators).toBe(6_000);
      // every retry is also a progress event of the submit
      expect(progress.filter((e) => e.type === 'retry')).toStrictEqual(retries);
      expect(result.totals.succeeded).toBe(6_000);
      expect(retries.length).toBeGreaterThan(0);
      expect(retries.some((r) => r.type === 'retry' && r.reason === 'HTTP 429' && r.retryAfterMs === 2000)).toBe(true);
      expect(waitedMs).toBeGreaterThanOrEqual(2000);
      // the emulator holds exactly the items sent, none twice (read with a client that retries the injected faults)
      const list = await c.call('GET', '/v3/indicators', () =>
        (c.api as unknown as { GET: (p: string, o: unknown) => Promise<{ response: Response; data: unknown }> }).GET('/v3/indicators', {
          params: { query: { owner: OWNER, resultLimit: 10000, count: 'true' } },
        }),
      );
      const body = list.data as { count: number; data: Array<{ summary: string }> };
      expect(body.count).toBe(6_000);
      expect(new Set(body.data.map((i) => i.summary)).size).toBe(6_000);
    } finally {
      await faulty.close();
    }
  }, 120_000);
});

async function submitRaw(batch: Batch, content: unknown) {
  const id = await client.createJob(batch.settings);
  await client.uploadData(id, JSON.stringify(content));
  const status = await batch.poll(id, noWait);
  return { status, errors: await batch.errors(id) };
}

async function fetchSigned(path: string): Promise<string> {
  const url = new URL(`${emu.url}${path}`);
  const r = await (client.api as unknown as { GET: (p: string, o: unknown) => Promise<{ response: Response; data: unknown }> }).GET(url.pathname.replace(/^\/api/, '') as never, {
    params: { query: Object.fromEntries(url.searchParams) },
    parseAs: 'text',
  });
  return r.data as string;
}
