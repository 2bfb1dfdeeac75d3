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

/** The twelve indicator types of the mixed workload, in the order items cycle through them. */
export const MIXED_TYPES = ['ASN', 'Address', 'CIDR', 'Email Subject', 'EmailAddress', 'File', 'Hashtag', 'Host', 'Mutex', 'Registry Key', 'URL', 'User Agent'] as const;

/** The group types of the mixed workload (every 10th item is a group). */
export const MIXED_GROUP_TYPES = ['Adversary', 'Campaign', 'Incident', 'Threat'] as const;

/** Length of the association chains of the mixed workload: each group is associated with the previous one, in runs of this many. */
export const CHAIN = 5;

/** A valid summary of the i-th item of an indicator type (the same for tcbatch and the floor). */
export function mixedValue(type: (typeof MIXED_TYPES)[number], i: number): string {
  switch (type) {
    case 'ASN':
      return `ASN${i + 1}`;
    case 'Address':
      return benchIp(i);
    case 'CIDR':
      return `10.${(i >>> 8) & 255}.${i & 255}.0/24`;
    case 'Email Subject':
      return `subject ${i}`;
    case 'EmailAddress':
      return `user${i}@example.com`;
    case 'File':
      return crypto.createHash('md5').update(String(i)).digest('hex').toUpperCase();
    case 'Hashtag':
      return `#tag${i}`;
    case 'Host':
      return `h${i}.example.com`;
    case 'Mutex':
      return `mutex-${i}`;
    case 'Registry Key':
      return `HKEY_LOCAL_MACHINE\\Software\\k${i} : v${i} : REG_SZ`;
    case 'URL':
      return `https://example.com/${i}`;
    case 'User Agent':
      return `agent/${i}`;
  }
}

/**
 * The floor of the mixed workload: every 10th item a group (associated with the previous group,
 * chains of {@link CHAIN}), the others cycling through {@link MIXED_TYPES}; one attribute and one
 * tag each; object literals, `JSON.stringify`, two SHA-256 per xid, chunks of 5,000.
 * @returns the number of chunks and the characters of their text
 */
export function floorMixed(n: number, onChunk: (text: string) => void = () => {}): { chunks: number; chars: number } {
  let groups: string[] = [];
  let indicators: string[] = [];
  let chunks = 0;
  let chars = 0;
  let prevGroup = '';
  const flush = (): void => {
    const text = `{"group":[${groups.join(',')}],"indicator":[${indicators.join(',')}],"association":[]}`;
    onChunk(text);
    chunks++;
    chars += text.length;
    groups = [];
    indicators = [];
  };
  for (let i = 0; i < n; i++) {
    if (i % 10 === 0) {
      const g = i / 10;
      const type = MIXED_GROUP_TYPES[g % MIXED_GROUP_TYPES.length]!;
      const name = `group-${g}`;
      const xid = sha256(sha256(`${type}-${name}`));
      const item: Record<string, unknown> = { name, type, xid, attribute: [{ type: 'Description', value: `bench item ${i}` }], tag: [{ name: 'bench' }] };
      if (g % CHAIN !== 0) item.associatedGroupXid = [prevGroup];
      prevGroup = xid;
      groups.push(JSON.stringify(item));
    } else {
      const type = MIXED_TYPES[i % MIXED_TYPES.length]!;
      const summary = mixedValue(type, i);
      const xid = sha256(sha256(`${type}-${summary}`));
      indicators.push(JSON.stringify({ summary, type, xid, attribute: [{ type: 'Description', value: `bench item ${i}` }], tag: [{ name: 'bench' }] }));
    }
    if (groups.length + indicators.length === FLOOR_CHUNK) flush();
  }
  if (groups.length + indicators.length > 0) flush();
  return { chunks, chars };
}
