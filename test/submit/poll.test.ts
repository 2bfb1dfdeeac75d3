// The poll schedules, exactly (seconds before each status request), and the deadline.
import { describe, expect, it } from 'vitest';
import { pollSchedule, pollJob, PollTimeoutError, TcClient } from '../../src/index.js';

const first = (f: (n: number) => number, k: number) => Array.from({ length: k }, (_, n) => Math.round(f(n) * 1000) / 1000);

describe('poll schedules', () => {
  it('default: soon after the upload, growing 1.5x to 20 s', () => {
    expect(first(pollSchedule(), 14)).toStrictEqual([0.25, 0.25, 0.375, 0.563, 0.844, 1.266, 1.898, 2.848, 4.271, 6.407, 9.611, 14.416, 20, 20]);
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
    const e = (await pollJob(client, 4, { timeout: 1, sleep: async (ms) => void waits.push(ms) }).catch((x: unknown) => x)) as PollTimeoutError;
    expect(e).toBeInstanceOf(PollTimeoutError);
    expect(e.batchId).toBe(4);
    expect(waits).toStrictEqual([250, 250, 375, 125]);
  });
});
