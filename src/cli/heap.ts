/**
 * Bounded memory while `convert` and `submit` stream a large input. The streamed imports keep
 * little alive (a disk store, an index of 16 bytes per element), but they allocate fast, and V8
 * then grows its heap far beyond what is alive before it collects: a generated 50 MB STIX bundle
 * peaked at 569 MB RSS with about 35 MB alive. The guard asks for a full collection whenever the
 * heap in use passes a budget, then sets the budget to 1.5 times what stayed alive when that is
 * more (a large memory-store batch), so that a collection never runs for every piece of input.
 * Measured on generated inputs (`tcbatch convert`, built CLI): a budget of 96 MiB gave 340 MB peak
 * RSS on a 100 MB STIX bundle, 255 MB on a 50 MB CSV, 281 MB on a 50 MB NDJSON file; 48 MiB gave
 * 262, 173 and 206 MB at the same or better speed (collections of a small heap are cheap); 32 MiB
 * collected at nearly every call and was slower.
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** The heap in use (bytes) above which the guard first collects. */
export const HEAP_BUDGET_BYTES = 48 * 1024 * 1024;

/** V8's full collection, made reachable at run time (the `--expose-gc` flag, set after start). */
function fullCollection(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as () => void) : undefined;
  } catch {
    return undefined;
  }
}

/** What {@link heapGuard} measures and does (tests give their own). */
export interface HeapGuardOptions {
  /** The first budget, in bytes of heap in use (default {@link HEAP_BUDGET_BYTES}). */
  budgetBytes?: number;
  /** The heap in use, in bytes (default V8's `used_heap_size`). */
  heapUsedBytes?: () => number;
  /** A full collection (default V8's, exposed at run time); none: the guard does nothing. */
  collect?: (() => void) | null;
}

/**
 * A check to call as input is read (once a piece of input, a chunk, an event): collects when the
 * heap in use passes the budget. After a collection the budget is at least 1.5 times what stayed
 * alive, so a large live batch is not collected again at every call.
 * @returns the check; a no-op when the runtime gives no way to collect
 */
export function heapGuard(options: HeapGuardOptions = {}): () => void {
  const budgetBytes = options.budgetBytes ?? HEAP_BUDGET_BYTES;
  const used = options.heapUsedBytes ?? (() => getHeapStatistics().used_heap_size);
  const gc = options.collect === undefined ? fullCollection() : options.collect;
  if (!gc) return () => {};
  let budget = budgetBytes;
  return () => {
    if (used() <= budget) return;
    gc();
    budget = Math.max(budgetBytes, 1.5 * used());
  };
}
