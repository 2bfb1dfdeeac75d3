/**
 * The plain-JavaScript floor of issue 7: the least work that produces the same batch content as
 * the Address case — object literals, `JSON.stringify`, two SHA-256 per xid (the reference's
 * double hash of `generate_xid`), chunks of 5,000 indicators. No validation, no dedupe, no store:
 * items are streamed into chunks as they are made. tcbatch's ratio is measured against this.
 */
import * as crypto from 'node:crypto';

/** The chunk size of the floor (tcex `_batch_max_chunk`). */
export const FLOOR_CHUNK = 5_000;

/**
 * The i-th bench IPv4 address: `10.a.b.c` for i < 2^24 (16.7M distinct, enough for the 10M case),
 * with the 4th octet from 1 upward so every address is a valid, non-network host.
 * @param i item number, 0 <= i < 16,777,216
 */
export function benchIp(i: number): string {
  return `10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`;
}

const sha256 = (s: string): string => crypto.createHash('sha256').update(s).digest('hex');

/**
 * Build, chunk and serialise `n` Address indicators (one attribute, one tag each) the plain way.
 * @param n number of indicators
 * @param onChunk called with each chunk's JSON text
 * @returns the number of chunks and the total bytes (UTF-16 length) of their text
 */
export function floorAddresses(n: number, onChunk: (text: string) => void = () => {}): { chunks: number; chars: number } {
  let items: string[] = [];
  let chunks = 0;
  let chars = 0;
  const flush = (): void => {
    const text = `{"group":[],"indicator":[${items.join(',')}],"association":[]}`;
    onChunk(text);
    chunks++;
    chars += text.length;
    items = [];
  };
  for (let i = 0; i < n; i++) {
    const ip = benchIp(i);
    const xid = sha256(sha256(`Address-${ip}`));
    const item = {
      summary: ip,
      type: 'Address',
      xid,
      attribute: [{ type: 'Description', value: `bench item ${i}` }],
      tag: [{ name: 'bench' }],
    };
    items.push(JSON.stringify(item));
    if (items.length === FLOOR_CHUNK) flush();
  }
  if (items.length > 0) flush();
  return { chunks, chars };
}
