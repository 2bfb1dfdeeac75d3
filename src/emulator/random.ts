/**
 * A small seeded pseudo-random generator (mulberry32) so that fault injection is reproducible:
 * the same seed and the same request order give the same faults.
 */

/** A function returning numbers in [0, 1). */
export type Random = () => number;

/**
 * Create a deterministic generator.
 *
 * @param seed any 32-bit integer; the same seed gives the same sequence
 * @returns a function returning floats in [0, 1)
 */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
