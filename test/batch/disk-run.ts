/**
 * Child process of the disk-store memory test: adds N Address indicators (one attribute, one tag)
 * to a `Batch` on a {@link DiskStore}, drains every chunk, and prints one JSON line with the counts
 * and `process.resourceUsage().maxRSS` (KiB).
 * Usage: `tsx test/batch/disk-run.ts <n> <dir> [memory]` (`memory`: the plain {@link MemoryStore} of builders).
 */
import { Batch } from '../../src/batch/batch.js';
import { DiskStore } from '../../src/batch/disk-store.js';
import { MemoryStore } from '../../src/batch/store.js';

const n = Number(process.argv[2]);
const dir = process.argv[3]!;
const memory = process.argv[4] === 'memory';
const batch = new Batch({ owner: 'MyOrg', store: memory ? new MemoryStore() : new DiskStore({ dir, cacheSize: 10_000 }) });
for (let i = 0; i < n; i++) {
  const a = batch.address(`10.${(i >>> 16) & 255}.${(i >>> 8) & 255}.${i & 255}`);
  a.attribute('Description', `item ${i}`);
  a.tag('bench');
}
let chunks = 0;
let indicators = 0;
for (const chunk of batch.chunks()) {
  chunks++;
  indicators += chunk.counts.indicator;
}
batch.close();
process.stdout.write(`${JSON.stringify({ chunks, indicators, maxRSSKiB: process.resourceUsage().maxRSS })}\n`);
