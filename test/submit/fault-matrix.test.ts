// The fault matrix of a submit against the emulator: answers lost or spoiled AFTER the server
// handled the request (a lossy proxy), slow jobs with a poll deadline, wrong credentials, dead and
// unknown servers. Each case asserts the exact server state (every item once, no duplicated
// attributes under Append, every file with its content), the exact requests, and the identity
// total = sum of states.
import { describe, expect, it } from 'vitest';
import { Batch, TcApiError, NetworkError, TcClient, type SubmitResult } from '../../src/index.js';
import { CREDS, NO_WAIT, OWNER, fileContent, rig, serverIndicators, serverJobs, uploads } from './harness.js';

/** `n` Address indicators, each with one attribute, in chunks of `per`; Append so that a second upload would duplicate attributes. */
function addresses(client: TcClient, n: number, per: number, extra: Record<string, unknown> = {}): Batch {
  const batch = new Batch({ client, owner: OWNER, haltOnError: false, attributeWriteType: 'Append', limits: { maxItems: per }, ...extra });
  for (let i = 0; i < n; i++) batch.address(`10.9.${i >> 8}.${i & 255}`, undefined, undefined, `a-${i}`).attribute('Description', `seen ${i}`);
  return batch;
}

/** The identity of every kind, and that every item is in the one expected state. */
function expectAllSucceeded(result: SubmitResult, indicators: number): void {
  expect(result.totals.indicators).toStrictEqual({ total: indicators, rejected: 0, succeeded: indicators, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
  expect(result.totals.total).toBe(result.totals.rejected + result.totals.succeeded + result.totals.failed + result.totals.unprocessed + result.totals.notSent + result.totals.unknown);
}

async function expectStoredOnce(direct: TcClient, n: number): Promise<void> {
  const stored = await serverIndicators(direct);
  expect(stored.size).toBe(n);
  for (let i = 0; i < n; i++) expect(stored.get(`10.9.${i >> 8}.${i & 255}`)).toStrictEqual([`seen ${i}`]);
}

describe('lost and spoiled answers', () => {
  it('a lost upload answer leads to a status GET, not a second upload; Append attributes are not duplicated', async () => {
    const r = await rig([{ method: 'POST', path: /^\/api\/v2\/batch\/\d+$/, action: 'drop' }]);
    try {
      const result = await addresses(r.client, 30, 10).submit({ poll: NO_WAIT });
      expectAllSucceeded(result, 30);
      await expectStoredOnce(r.direct, 30);
      // exactly one upload per job, each followed by a status request for that job
      expect(uploads(r.proxy)).toStrictEqual(result.jobs.map((j) => j.batchId));
      for (const id of uploads(r.proxy)) {
        const i = r.proxy.log.findIndex((l) => l.path === `/api/v2/batch/${id}` && l.method === 'POST');
        expect(r.proxy.log[i]!.action).toBe('drop');
        expect(r.proxy.log.slice(i + 1).find((l) => l.path.startsWith(`/api/v2/batch/${id}`))).toMatchObject({ method: 'GET', path: `/api/v2/batch/${id}?includeAdditional=true` });
      }
      const jobs = await serverJobs(r.direct);
      expect(jobs.filter((j) => j.status !== 'Created')).toHaveLength(3);
      expect(jobs.reduce((n, j) => n + j.successCount, 0)).toBe(30);
    } finally {
      await r.close();
    }
  });

  it('an upload answered 502 after the server took it: asked, not resent', async () => {
    const r = await rig([{ method: 'POST', path: /^\/api\/v2\/batch\/\d+$/, action: '502' }]);
    try {
      const result = await addresses(r.client, 20, 10).submit({ poll: NO_WAIT });
      expectAllSucceeded(result, 20);
      await expectStoredOnce(r.direct, 20);
      expect(uploads(r.proxy)).toHaveLength(2);
    } finally {
      await r.close();
    }
  });

  it('an upload answered 2xx with a body that is not JSON is never sent again', async () => {
    const r = await rig([{ method: 'POST', path: /^\/api\/v2\/batch\/\d+$/, action: 'garbage' }]);
    try {
      const result = await addresses(r.client, 10, 10).submit({ poll: NO_WAIT });
      expectAllSucceeded(result, 10);
      expect(uploads(r.proxy)).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('a lost answer to POST /v2/batch is asked again: the orphan job stays empty (Created), nothing is duplicated', async () => {
    const r = await rig([{ method: 'POST', path: /^\/api\/v2\/batch$/, action: 'drop', times: 1 }]);
    try {
      const result = await addresses(r.client, 20, 10).submit({ poll: NO_WAIT });
      expectAllSucceeded(result, 20);
      await expectStoredOnce(r.direct, 20);
      const jobs = await serverJobs(r.direct);
      expect(jobs.map((j) => j.status)).toStrictEqual(['Created', 'Completed', 'Completed']);
    } finally {
      await r.close();
    }
  });

  it('Delete with a lost upload answer: reported Completed, the items are gone', async () => {
    const r = await rig();
    try {
      await addresses(r.direct, 10, 10).submit({ poll: NO_WAIT });
      r.proxy.rules = [{ method: 'POST', path: /^\/api\/v2\/batch\/\d+$/, action: 'drop' }];
      const del = addresses(r.client, 10, 10, { action: 'Delete' });
      const result = await del.submit({ poll: NO_WAIT });
      expect(result.jobs.map((j) => [j.state, j.failure])).toStrictEqual([['completed', undefined]]);
      expect(result.errors).toStrictEqual([]);
      expect((await serverIndicators(r.direct)).size).toBe(0);
      expect(uploads(r.proxy)).toHaveLength(1);
    } finally {
      await r.close();
    }
  });

  it('/results failing after Completed: /errors is read, the chunk counts once, its files are uploaded', async () => {
    const r = await rig([{ method: 'GET', path: /\/results/, action: '502' }]);
    try {
      const batch = new Batch({ client: r.client, owner: OWNER, haltOnError: false });
      batch.document('report doc', 'r.txt', 'doc-1').fileContent = 'the content';
      batch.addIndicator({ type: 'Host', summary: 'good.example.com', xid: 'h-1' });
      const id = await r.client.createJob(batch.settings); // a bad item only raw content can carry, in its own job first
      await r.client.uploadData(id, JSON.stringify({ indicator: [{ type: 'Host', summary: 'bad_host', xid: 'bad' }] }));
      const result = await batch.submit({ poll: NO_WAIT });
      expect(result.jobs[0]!.state).toBe('completed');
      expect(result.totals.groups).toMatchObject({ total: 1, succeeded: 1, unknown: 0 });
      expect(result.totals.indicators).toMatchObject({ total: 1, succeeded: 1, unknown: 0 });
      expect(result.files).toStrictEqual([{ xid: 'doc-1', type: 'Document', fileName: 'r.txt', uploaded: true, status: 200 }]);
      expect(await fileContent(r.direct, 'doc-1')).toBe('the content');
    } finally {
      await r.close();
    }
  });

  it('/results answering 404 falls back to /errors, so no error record is lost', async () => {
    const r = await rig([{ method: 'GET', path: /\/results/, action: '404' }]);
    try {
      const batch = new Batch({ client: r.client, owner: OWNER, haltOnError: false });
      batch.addIndicator({ type: 'Host', summary: 'fine.example.com', xid: 'f-1' });
      // the emulator judges raw content: give the chunk an item the builders would refuse
      const bad = { ...batch, chunks: () => [...batch.chunks()].map((c) => ({ ...c, text: c.text.replace('"fine.example.com"', '"bad_host"'), content: JSON.parse(c.text.replace('"fine.example.com"', '"bad_host"')) })), settings: batch.settings, counts: batch.counts };
      const { submitBatch } = await import('../../src/index.js');
      const result = await submitBatch(bad, r.client, { poll: NO_WAIT });
      expect(result.errors.map((e) => [e.origin, e.code])).toStrictEqual([['server', '0x1005']]);
      expect(r.proxy.log.map((l) => `${l.method} ${l.path.split('?')[0]}`).filter((p) => /results|errors/.test(p))).toStrictEqual([`GET /api/v2/batch/1/results`, `GET /api/v2/batch/1/errors`]);
      expect(result.totals.indicators).toStrictEqual({ total: 1, rejected: 0, succeeded: 0, failed: 1, unprocessed: 0, notSent: 0, unknown: 0 });
    } finally {
      await r.close();
    }
  });
});

describe('poll deadline', () => {
  it('a slow job past the deadline is unknown, the run goes on, and every item is in a total', async () => {
    const r = await rig([], { timing: { pollsPerState: 3 } });
    try {
      const result = await addresses(r.client, 30, 10).submit({ poll: { ...NO_WAIT, firstWait: 1, interval: 1, timeout: 2 } });
      expect(result.halted).toBe(false);
      expect(result.jobs.map((j) => j.state)).toStrictEqual(['unknown', 'unknown', 'unknown']);
      expect(result.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 0, failed: 0, unprocessed: 0, notSent: 0, unknown: 30 });
      expect(result.jobs.every((j) => j.batchId !== undefined && j.failure?.code === 'TCB_POLL_TIMEOUT')).toBe(true);
    } finally {
      await r.close();
    }
  });
});

describe('could not start', () => {
  it('wrong credentials: submit rejects with the TcApiError (401) and TC message', async () => {
    const r = await rig();
    try {
      const wrong = new TcClient({ apiPath: r.emu.url, accessId: CREDS.accessId, secretKey: 'not-the-key', env: {}, retry: { retries: 1, minDelayMs: 1, maxDelayMs: 1 } });
      const batch = addresses(wrong, 5, 10);
      const e = (await batch.submit({ errors: true, poll: NO_WAIT }).catch((x: unknown) => x)) as TcApiError;
      expect(e).toBeInstanceOf(TcApiError);
      expect(e.status).toBe(401);
      expect(e.message).not.toContain('not-the-key');
    } finally {
      await r.close();
    }
  });

  it('an unknown owner: rejects with the server answer, nothing sent', async () => {
    const r = await rig();
    try {
      const e = (await addresses(r.client, 5, 10, { owner: 'No Such Org' }).submit({ poll: NO_WAIT }).catch((x: unknown) => x)) as TcApiError;
      expect(e).toBeInstanceOf(TcApiError);
      expect(e.status).toBeGreaterThanOrEqual(400);
      expect(uploads(r.proxy)).toStrictEqual([]);
    } finally {
      await r.close();
    }
  });

  it('a dead server: NetworkError after 1 + 2 attempts; an unknown host: after 1', async () => {
    const seen: string[] = [];
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) });
    const notFound = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('getaddrinfo ENOTFOUND tc.invalid'), { code: 'ENOTFOUND' }) });
    for (const [cause, attempts] of [[refused, 3], [notFound, 1]] as const) {
      seen.length = 0;
      const c = new TcClient({ apiPath: 'http://tc.invalid/api', ...CREDS, env: {}, retry: { retries: 3, minDelayMs: 1, maxDelayMs: 1 }, fetch: async (q) => (seen.push(q.method), Promise.reject(cause)) });
      const e = await addresses(c, 1, 10).submit({ poll: NO_WAIT }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(NetworkError);
      expect(seen).toStrictEqual(Array(attempts).fill('POST'));
    }
  });

  it('the documented 503 "Batch job api is not available" is not retried', async () => {
    let calls = 0;
    const c = new TcClient({
      apiPath: 'http://tc.example/api',
      ...CREDS,
      env: {},
      retry: { retries: 3, minDelayMs: 1, maxDelayMs: 1 },
      fetch: async () => (calls++, new Response('Batch job api is not available.  Ensure that batchJobEnabled is true and document storage is enabled and configured;', { status: 503, headers: { 'content-type': 'text/plain' } })),
    });
    const e = (await addresses(c, 1, 10).submit({ poll: NO_WAIT }).catch((x: unknown) => x)) as TcApiError;
    expect(e.status).toBe(503);
    expect(e.tcMessage).toContain('Batch job api is not available');
    expect(calls).toBe(1);
  });
});

describe('failures after progress are data, and in errors', () => {
  it('the server goes away after the first job: halted, failure, a client record in errors, the rest not sent', async () => {
    const r = await rig();
    try {
      const batch = addresses(r.client, 30, 10);
      let killed = false;
      const result = await batch.submit({
        poll: NO_WAIT,
        concurrency: 1,
        onProgress: (e) => {
          if (e.type === 'completed' && !killed) {
            killed = true;
            r.proxy.rules = [{ method: 'POST', path: /^\/api\/v2\/batch$/, action: '503' }];
          }
        },
      });
      expect(result.halted).toBe(true);
      expect(result.failure).toMatchObject({ code: 'TCB_API_ERROR', chunk: 1, status: 503 });
      expect(result.errors.filter((e) => e.origin === 'client')).toHaveLength(1);
      expect(result.totals.indicators).toStrictEqual({ total: 30, rejected: 0, succeeded: 10, failed: 0, unprocessed: 0, notSent: 20, unknown: 0 });
    } finally {
      await r.close();
    }
  });
});

describe('pipelining', () => {
  it('chunk 2 is uploaded while chunk 1 is processed; indicators wait for the chunk holding their group', async () => {
    const r = await rig([], { timing: { pollsPerState: 2 } });
    try {
      const batch = new Batch({ client: r.client, owner: OWNER, haltOnError: false, limits: { maxItems: 5 } });
      const adv = batch.adversary('pipeline adversary', 'adv-1');
      for (let i = 0; i < 4; i++) batch.incident(`incident ${i}`, `inc-${i}`);
      for (let i = 0; i < 10; i++) batch.host(`h${i}.example.com`, undefined, undefined, `h-${i}`).association(adv);
      const order: string[] = [];
      const result = await batch.submit({ poll: NO_WAIT, onProgress: (e) => (e.type === 'chunk-sent' || e.type === 'completed' ? order.push(`${e.type} ${e.chunk}`) : undefined) });
      expectAllSucceeded(result, 10);
      // chunk 0 holds the groups; chunks 1 and 2 hold hosts associated with adv-1: they wait for chunk 0, then go together
      expect(order.indexOf('completed 0')).toBeLessThan(order.indexOf('chunk-sent 1'));
      expect(order.indexOf('chunk-sent 2')).toBeLessThan(order.indexOf('completed 1'));
    } finally {
      await r.close();
    }
  });
});

describe('exact accounting', () => {
  it('association entries are counted in their own totals; failed counts items; haltOnError leaves the rest unprocessed', async () => {
    const r = await rig();
    try {
      const batch = new Batch({ client: r.client, owner: OWNER, haltOnError: false });
      batch.host('a.example.com', undefined, undefined, 'ha');
      batch.address('192.0.2.10', undefined, undefined, 'ad');
      batch.association({ ref_1: 'a.example.com', type_1: 'Host', ref_2: '192.0.2.10', type_2: 'Address', associationType: 'DNS PTR Record' });
      batch.association({ ref_1: 'nowhere.example.com', type_1: 'Host', ref_2: '192.0.2.10', type_2: 'Address', associationType: 'DNS PTR Record' });
      const result = await batch.submit({ poll: NO_WAIT });
      expect(result.totals.indicators).toStrictEqual({ total: 2, rejected: 0, succeeded: 2, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
      expect(result.totals.associations).toStrictEqual({ total: 2, rejected: 0, succeeded: 1, failed: 1, unprocessed: 0, notSent: 0, unknown: 0 });
      expect(result.totals.total).toBe(4);
      // haltOnError: the server stops at the bad item; the items after it are unprocessed
      const halting = new Batch({ client: r.client, owner: OWNER, haltOnError: true });
      for (const h of ['h1', 'h2', 'h3', 'h4']) halting.host(`${h}.example.com`, undefined, undefined, h);
      const spoiled = { settings: halting.settings, counts: halting.counts, chunks: () => [...halting.chunks()].map((c) => ({ ...c, text: c.text.replace('"h2.example.com"', '"bad_host"') })) };
      const { submitBatch } = await import('../../src/index.js');
      const halted = await submitBatch(spoiled, r.client, { poll: NO_WAIT });
      expect(halted.totals.indicators).toStrictEqual({ total: 4, rejected: 0, succeeded: 1, failed: 1, unprocessed: 2, notSent: 0, unknown: 0 });
    } finally {
      await r.close();
    }
  });

  it('an item that breaks a rule after it was added is rejected, not sent, and the run goes on', async () => {
    const r = await rig();
    try {
      const batch = new Batch({ client: r.client, owner: OWNER, haltOnError: false });
      batch.document('malware doc', 'x.zip', 'doc-m').malware = true; // a malware Document needs a password: only checked when chunked
      batch.host('ok.example.com', undefined, undefined, 'ok');
      const result = await batch.submit({ poll: NO_WAIT });
      expect(result.rejected).toHaveLength(1);
      expect(result.rejected[0]).toMatchObject({ kind: 'group', type: 'Document', xid: 'doc-m' });
      expect(result.totals.groups).toStrictEqual({ total: 1, rejected: 1, succeeded: 0, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
      expect(result.totals.indicators).toStrictEqual({ total: 1, rejected: 0, succeeded: 1, failed: 0, unprocessed: 0, notSent: 0, unknown: 0 });
    } finally {
      await r.close();
    }
  });
});

describe('option 2', () => {
  it('submitData after a lost answer asks the status instead of uploading again', async () => {
    const r = await rig([{ method: 'POST', path: /^\/api\/v2\/batch\/\d+$/, action: 'drop' }]);
    try {
      const batch = addresses(r.client, 5, 10);
      const id = await batch.submitJob();
      const status = await batch.submitData(id);
      expect(status?.status).not.toBe('Created');
      expect(uploads(r.proxy)).toStrictEqual([id]);
      expect((await batch.poll(id, NO_WAIT)).successCount).toBe(5);
      await expectStoredOnce(r.direct, 5);
    } finally {
      await r.close();
    }
  });
});
