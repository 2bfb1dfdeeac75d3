/**
 * The deterministic feed of the journal tests, built the same way by the test and by the child
 * process it kills: `docs` Documents with content, then `n` Address indicators with one attribute
 * each (Append, so that a chunk uploaded twice would show as duplicated attributes).
 */
import { Batch, type TcClient } from '../../src/index.js';

export const FEED_OWNER = 'MyOrg';

export function feed(client: TcClient | undefined, n: number, docs: number, per = 10, store: 'memory' | 'disk' = 'memory'): Batch {
  const batch = new Batch({ client, owner: FEED_OWNER, haltOnError: false, attributeWriteType: 'Append', limits: { maxItems: per }, store });
  for (let d = 0; d < docs; d++) batch.document(`doc ${d}`, `doc-${d}.txt`, `doc-${d}`).fileContent = `content of doc ${d}`;
  for (let i = 0; i < n; i++) batch.address(`10.7.${i >> 8}.${i & 255}`, undefined, undefined, `j-${i}`).attribute('Description', `seen ${i}`);
  return batch;
}
