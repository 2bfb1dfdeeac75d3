/**
 * Non-cryptographic string hashes of the stores and the importers' dedupe: FNV-1a over the UTF-16
 * code units, a second multiply-shift hash beside it, and murmur3's 32-bit finaliser.
 */

/** FNV-1a (32 bits, unsigned) over the UTF-16 code units of `s`. */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** murmur3's 32-bit finaliser (a signed 32-bit result): every input bit reaches every output bit. */
export function fmix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/**
 * Two independent 32-bit hashes of `s` in one pass, into `out[0]` (FNV-1a from `seedA`) and `out[1]`
 * (multiply by 0x5bd1e995, xor-shift, from `seedB`), as signed 32-bit numbers.
 */
export function hashPair(s: string, seedA: number, seedB: number, out: Int32Array): void {
  let a = seedA;
  let b = seedB;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995) ^ (b >>> 15);
  }
  out[0] = a;
  out[1] = b;
}
