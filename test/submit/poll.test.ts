// The poll schedules, exactly (seconds before each status request), the pace learned from the
// jobs of a run, and the deadline.
import { describe, expect, it } from 'vitest';
import { startEmulator } from '../../src/emulator/index.js';
import { Batch, JobPace, pollSchedule, pollJob, PollTimeoutError, TcClient, type ProgressEvent } from '../../src/index.js';

const first = (f: (n: number) => number, k: number) => Array.from({ length: k }, (_, n) => Math.round(f(n) * 1000) / 1000);

describe('poll schedules', () => {
  it('default: soon after the upload, then from 0.1 s growing 1.5x to 20 s', () => {
    expect(first(pollSchedule(), 17)).toStrictEqual([0.25, 0.1, 0.15, 0.225, 0.338, 0.506, 0.759, 1.139, 1.709, 2.563, 3.844, 5.767, 8.65, 12.975, 19.462, 20, 20]);
  });
  it('default with a pace: 0.9 of the expected time first (at most maxInterval, at least 0.02 s), then from a tenth of it', () => {
    const pace = new JobPace();
    expect(pace.expectedSeconds(5_000)).toBe(undefined);
    expect(first(pollSchedule({ pace }, 5_000), 3)).toStrictEqual([0.25, 0.1, 0.15]); // nothing learned yet
    pace.observe(5_000, 0.35, 0.5); // not Completed at 0.35 s, Completed at 0.5 s: about 0.425 s
    expect(pace.expectedSeconds(5_000)).toBeCloseTo(0.425, 12);
    expect(pace.expectedSeconds(2_500)).toBeCloseTo(0.2125, 12);
    expect(first(pollSchedule({ pace }, 5_000), 5)).toStrictEqual([0.383, 0.043, 0.064, 0.096, 0.143]);
    pace.observe(5_000, 0, 0.3825); // Completed at the first request: somewhere in (0, 0.3825]
    expect(pace.expectedSeconds(5_000)).toBeCloseTo((0.425 + 0.19125) / 2, 12);
    // a job that took 150 s: the first request still comes within maxInterval
    const slow = new JobPace();
    slow.observe(100, 100, 200);
    expect(first(pollSchedule({ pace: slow }, 100), 3)).toStrictEqual([20, 15, 20]);
    expect(first(pollSchedule({ pace: slow, maxInterval: 60 }, 100), 2)).toStrictEqual([60, 15]);
    // a job the server finished at once: no loop of requests
    const quick = new JobPace();
    quick.observe(5_000, 0, 0.001);
    expect(first(pollSchedule({ pace: quick }, 10), 3)).toStrictEqual([0.02, 0.02, 0.03]);
    // an explicit firstWait or interval, or the tcex schedule, is followed as given
    expect(first(pollSchedule({ pace, firstWait: 1 }, 5_000), 2)).toStrictEqual([1, 0.1]);
    expect(first(pollSchedule({ pace, interval: 2, factor: 1 }, 5_000), 2)).toStrictEqual([0.25, 2]);
    expect(first(pollSchedule({ pace, schedule: 'tcex' }, 5_000), 2)).toStrictEqual([17, 7]);
  });
  it('pollJob adds each completed job to the pace and times the next job from it', async () => {
    const answers = ['Running', 'Completed', 'Completed'];
    const waits: number[] = [];
    const client = new TcClient({
      apiPath: 'http://tc.example/api',
      token: 't',
      env: {},
      fetch: async () => new Response(JSON.stringify({ status: 'Success', data: { batchStatus: { id: 4, status: answers.shift() } } }), { status: 200 }),
    });
    const pace = new JobPace();
    const sleep = async (ms: number) => void waits.push(Math.round(ms * 1000) / 1000);
    await pollJob(client, 4, { pace, sleep }, 1_000); // Running at 0.25 s, Completed at 0.35 s
    expect(pace.expectedSeconds(1_000)).toBeCloseTo(0.3, 12);
    await pollJob(client, 5, { pace, sleep }, 2_000); // expected 0.6 s: first request at 0.54 s
    expect(waits).toStrictEqual([250, 100, 540]);
    expect(pace.expectedSeconds(1_000)).toBeCloseTo((0.3 + 0.135) / 2, 12);
  });
  it("tcex: max(ceil(items/300), 5) first, then min(5 + floor(2.5 n), 20)", () => {
    expect(first(pollSchedule({ schedule: 'tcex' }, 30_000), 9)).toStrictEqual([100, 7, 10, 12, 15, 17, 20, 20, 20]);
    expect(first(pollSchedule({ schedule: 'tcex' }, 10), 3)).toStrictEqual([5, 7, 10]);
    expect(pollSchedule({ schedule: 'tcex' })(0)).toBe(15);
  });
  it('polls until Completed and stops at the deadline with the batch id', async () => {
    const answers = ['Queued', 'Running', 'Running', 'Running'];
    const waits: number[] = [];
    const client = new TcClient({
      apiPath: 'http://tc.example/api',
      token: 't',
      env: {},
      fetch: async () => new Response(JSON.stringify({ status: 'Success', data: { batchStatus: { id: 4, status: answers.shift() ?? 'Running' } } }), { status: 200 }),
    });
    const e = (await pollJob(client, 4, { timeout: 1, sleep: async (ms) => void waits.push(Math.round(ms * 1000) / 1000) }).catch((x: unknown) => x)) as PollTimeoutError;
    expect(e).toBeInstanceOf(PollTimeoutError);
    expect(e.batchId).toBe(4);
    expect(waits).toStrictEqual([250, 100, 150, 225, 275]);
  });
});

describe('submit() follows the pace of its jobs', () => {
  it('the second and third jobs are first polled at 0.9 of the time the jobs before them took', async () => {
    // every job answers Queued, then Running, then Completed (one poll each); the fake sleep
    // returns once the emulator has really finished the job, so the answers are exact
    const creds = { accessId: 'pace-id', secretKey: 'pace-secret-key-123' };
    const emu = await startEmulator({ credentials: [creds], owners: ['MyOrg'], timing: { pollsPerState: 1 } });
    try {
      const client = new TcClient({ apiPath: emu.url, ...creds, owner: 'MyOrg', env: {} });
      const batch = new Batch({ client, owner: 'MyOrg', limits: { maxItems: 100 } });
      for (let i = 1; i <= 300; i++) batch.address(`10.0.${i >> 8}.${i & 255}`);
      const polls: ProgressEvent[] = [];
      const sleep = async () => {
        while (emu.jobs().some((j) => j.uploaded && j.status !== 'Completed')) await new Promise((r) => setTimeout(r, 2));
      };
      const result = await batch.submit({ concurrency: 1, poll: { sleep }, onProgress: (e) => e.type === 'poll' && polls.push(e) });
      expect(result.totals.succeeded).toBe(300);
      const waited = polls.map((e) => (e.type === 'poll' ? [e.batchId, e.status, e.waitedSeconds] : []));
      // job 1: 0.25, +0.1, +0.15 -> about (0.35 + 0.5) / 2 = 0.425 s for 100 items
      // job 2: 0.3825, +0.0425, +0.06375 -> (0.425 + 0.48875) / 2 = 0.456875 s; pace (0.425 + 0.456875) / 2
      // job 3: 0.9 * 0.4409375 = 0.39684375 first
      expect(waited).toStrictEqual([
        [1, 'Queued', 0.25], [1, 'Running', 0.35], [1, 'Completed', 0.5],
        [2, 'Queued', 0.383], [2, 'Running', 0.425], [2, 'Completed', 0.489],
        [3, 'Queued', 0.397], [3, 'Running', 0.441], [3, 'Completed', 0.507],
      ]);
    } finally {
      await emu.close();
    }
  });
});
