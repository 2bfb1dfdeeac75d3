// The heap guard of convert/submit: a collection when the heap in use passes the budget, and a
// budget of 1.5 times what stayed alive after one, so a large live set is not collected at every call.
import { describe, expect, it } from 'vitest';
import { HEAP_BUDGET_BYTES, heapGuard } from '../../src/cli/heap.js';

const MB = 1024 * 1024;

describe('heapGuard', () => {
  it('collects only above the budget, then raises the budget to 1.5x what stayed alive', () => {
    const readings = [50, 120, 80, 110, 130, 121, 200, 150].map((m) => m * MB);
    const seen: number[] = [];
    let collections = 0;
    const guard = heapGuard({ budgetBytes: 100 * MB, heapUsedBytes: () => readings.shift()!, collect: () => collections++ });
    const step = () => {
      guard();
      seen.push(collections);
    };
    step(); // 50: under 100
    step(); // 120: collect; after: 80 -> budget max(100, 120) = 120
    step(); // 110: under 120
    step(); // 130: collect; after: 121 -> budget 181.5
    step(); // 200: collect; after: 150 -> budget 225
    expect(seen).toStrictEqual([0, 1, 1, 2, 3]);
    expect(readings).toStrictEqual([]);
  });

  it('does nothing when there is no way to collect', () => {
    let reads = 0;
    const guard = heapGuard({ collect: null, heapUsedBytes: () => ++reads * 1e12 });
    guard();
    expect(reads).toBe(0);
  });

  it('the real collector is reachable at run time and the default budget is 48 MiB', () => {
    expect(HEAP_BUDGET_BYTES).toBe(48 * MB);
    const guard = heapGuard({ budgetBytes: 0 });
    expect(() => guard()).not.toThrow();
  });
});
