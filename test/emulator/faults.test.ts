// Fault injection knobs (issue 4 item 5): each off by default, deterministic with a seed.
import { describe, expect, it } from 'vitest';
import { setImmediate as tick } from 'node:timers/promises';
import { startEmulator, type FaultOptions } from '../../src/emulator/index.js';
import { call } from './signer.js';
import { config, start } from './harness.js';

async function withFaults<T>(faults: FaultOptions, fn: (url: string) => Promise<T>, timing = {}): Promise<T> {
  const emu = await start({ faults, timing });
  try {
    return await fn(emu.url);
  } finally {
    await emu.close();
  }
}

describe('answer faults', () => {
  it('errorRate answers a 5xx with a Failure body', async () => {
    await withFaults({ errorRate: 1, errorStatuses: [502] }, async (url) => {
      const r = await call(url, 'GET', '/v2/owners');
      expect(r.status).toBe(502);
      expect(r.json).toEqual({ status: 'Failure', message: 'Bad Gateway' });
    });
  });

  it('the same seed gives the same faults', async () => {
    const statuses = (seed: number) =>
      withFaults({ errorRate: 0.5, seed }, async (url) => {
        const out: number[] = [];
        for (let i = 0; i < 12; i++) out.push((await call(url, 'GET', '/v2/owners')).status);
        return out;
      });
    const a = await statuses(42);
    expect(await statuses(42)).toEqual(a);
    expect(a.some((s) => s === 200)).toBe(true);
    expect(a.some((s) => [500, 502, 503].includes(s))).toBe(true);
  });

  it('rateLimitRate answers 429 with Retry-After', async () => {
    await withFaults({ rateLimitRate: 1, retryAfterSeconds: 7 }, async (url) => {
      const r = await call(url, 'GET', '/v2/owners');
      expect(r.status).toBe(429);
      expect(r.headers.get('retry-after')).toBe('7');
      expect(r.json).toEqual({ status: 'Failure', message: 'Too Many Requests' });
    });
  });

  it('dropRate closes the connection without an answer', async () => {
    await withFaults({ dropRate: 1 }, async (url) => {
      await expect(call(url, 'GET', '/v2/owners')).rejects.toThrow();
    });
  });

  it('pathPattern limits the rates to matching paths', async () => {
    await withFaults({ errorRate: 1, errorStatuses: [503], pathPattern: '/v2/batch' }, async (url) => {
      expect((await call(url, 'GET', '/v2/owners')).status).toBe(200);
      expect((await call(url, 'POST', '/v2/batch', config())).status).toBe(503);
    });
  });

  it('latencyMs delays every answer', async () => {
    await withFaults({ latencyMs: 40 }, async (url) => {
      const t = performance.now();
      expect((await call(url, 'GET', '/v2/owners')).status).toBe(200);
      expect(performance.now() - t).toBeGreaterThanOrEqual(39);
    });
  });

  it('every knob is off by default', async () => {
    const emu = await startEmulator({ credentials: [{ accessId: 'a', secretKey: 'b' }] });
    try {
      const r = await fetch(`${emu.url}/v2/owners`);
      expect(r.status).toBe(403);
    } finally {
      await emu.close();
    }
  });
});

describe('job faults', () => {
  const upload = async (url: string) => {
    const id = (await call(url, 'POST', '/v2/batch', config())).json.data.batchId;
    await call(url, 'POST', `/v2/batch/${id}`, JSON.stringify({ indicator: [{ type: 'Host', summary: 'bad_host' }] }));
    return id as number;
  };

  it('stuckJobRate: the job never leaves Running; /errors stays 400', async () => {
    await withFaults({ stuckJobRate: 1 }, async (url) => {
      const id = await upload(url);
      // wait for the job to start (a 0 ms timer), then it must stay Running
      for (let i = 0; i < 50 && (await call(url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status === 'Queued'; i++) await tick();
      for (let i = 0; i < 5; i++) expect((await call(url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status).toBe('Running');
      expect((await call(url, 'GET', `/v2/batch/${id}/errors`)).status).toBe(400);
    });
  });

  it('slowJobMs keeps a processed job Running for that long', async () => {
    await withFaults({ slowJobMs: 200 }, async (url) => {
      const id = await upload(url);
      // the job starts on a 0 ms timer: wait until it has left Queued (timers vs. immediates have no fixed order)
      let first = 'Queued';
      for (let i = 0; i < 50 && first === 'Queued'; i++) {
        await tick();
        first = (await call(url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status;
      }
      const t = performance.now();
      expect(first).toBe('Running');
      let status = 'Running';
      while (status !== 'Completed') {
        await new Promise((r) => setTimeout(r, 5));
        status = (await call(url, 'GET', `/v2/batch/${id}`)).json.data.batchStatus.status;
      }
      expect(performance.now() - t).toBeGreaterThanOrEqual(10);
    });
  });
});
