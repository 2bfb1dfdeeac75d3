// Bug (issue 10, item 8): with the disk store, Document/Report file content was silently dropped
// when the group was still in the store's cache at chunking time (only evicted, pinned groups kept
// it). chunks() of a disk-store batch must carry the files exactly as the memory store does.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';
import { Batch, TcClient } from '../../src/index.js';
import { DiskStore } from '../../src/batch/disk-store.js';

const CREDS = { accessId: 'test-id', secretKey: 'test-secret-key-123' };
const OWNER = 'MyOrg';

/** The same calls on a batch: content set at creation, after adding, through Interface 3, and after eviction. */
function fill(batch: Batch): void {
  batch.document('d', 'f.txt').fileContent = 'x';
  batch.report({ name: 'r', xid: 'r-1', fileName: 'r.pdf', fileContent: new Uint8Array([1, 2, 3]) });
  batch.addGroup({ type: 'Document', name: 'raw', xid: 'raw-1', fileName: 'raw.txt', fileContent: 'raw content' });
  const late = batch.document('late', 'late.txt', 'late-1');
  batch.document('no-content', 'n.txt', 'n-1');
  for (let i = 0; i < 4; i++) batch.adversary(`adv-${i}`);
  late.fileContent = 'set after other items were added';
}

const files = (batch: Batch) => [...batch.chunks({ maxItems: 2 })].map((c) => c.files);

describe('disk store: Document/Report file content', () => {
  for (const cacheSize of [10_000, 1]) {
    it(`chunks carry the same files as the memory store (cacheSize ${cacheSize})`, () => {
      const memory = new Batch({ owner: OWNER });
      fill(memory);
      const store = new DiskStore({ cacheSize, writeBatch: 1 });
      const disk = new Batch({ owner: OWNER, store });
      fill(disk);
      const expected = files(memory);
      expect(expected.flat().map((f) => f.xid)).toEqual([memory.document('d', 'f.txt').xid, 'r-1', 'raw-1', 'late-1']);
      expect(files(disk)).toEqual(expected);
      expect(files(disk)).toEqual(expected); // repeatable
      store.close();
    });
  }

  describe('the repro through submit (emulator in-process)', () => {
    let emu: RunningEmulator;
    beforeAll(async () => {
      emu = await startEmulator({ credentials: [CREDS], owners: [OWNER] });
    });
    afterAll(async () => {
      await emu.close();
    });

    it("store: 'disk' uploads the document's content", async () => {
      const client = new TcClient({ apiPath: emu.url, ...CREDS, owner: OWNER, env: {} });
      const b = new Batch({ owner: OWNER, store: 'disk', client });
      const doc = b.document('d', 'f.txt');
      doc.fileContent = 'x';
      const result = await b.submit({ poll: { firstWait: 0, interval: 0, backOff: 0 } });
      b.close();
      expect(result.files).toHaveLength(1);
      expect(result.files[0]).toMatchObject({ xid: doc.xid, type: 'Document', fileName: 'f.txt', uploaded: true });
    });
  });
});
