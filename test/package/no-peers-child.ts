// Child process of peers.test.ts: imports the package entry, builds a batch (memory store, or the
// disk store with `disk`), submits it to TC_API_PATH, and prints which optional peers were loaded
// (from the CommonJS module cache, where Node puts every CommonJS package, imported or required).
import { createRequire } from 'node:module';
import { Batch, DiskStore, TcClient } from 'tcbatch';

const mode = process.argv[2];
const batch = new Batch({ client: new TcClient(), ...(mode === 'disk' ? { store: new DiskStore() } : {}) });
batch.adversary('adversary-001', 'my-xid-000').tag('peers');
batch.address('123.124.125.126').association('my-xid-000');
const result = await batch.submit();
if (mode === 'disk') batch.close();
const loaded = Object.keys(createRequire(import.meta.url).cache);
const peersLoaded = ['fastify', '@fastify/multipart', 'better-sqlite3'].filter((p) =>
  loaded.some((f) => f.includes(`/node_modules/${p}/`)),
);
process.stdout.write(JSON.stringify({ succeeded: result.totals.succeeded, total: result.totals.total, peersLoaded }));
