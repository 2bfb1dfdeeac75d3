// Child process of the journal tests: submits the feed with a journal and prints every progress
// event as a JSON line, until the test kills it. Credentials come from the environment (never argv).
import { TcClient } from '../../src/index.js';
import { feed } from './feed.js';

const [apiPath, journal, n, docs] = process.argv.slice(2);
const client = new TcClient({ apiPath, owner: 'MyOrg', retry: { retries: 3, minDelayMs: 1, maxDelayMs: 2 } });
const batch = feed(client, Number(n), Number(docs));
const result = await batch.submit({
  journal,
  concurrency: 1,
  files: { concurrency: 1 },
  poll: { firstWait: 0.05, interval: 0.05, factor: 1 },
  onProgress: (e) => process.stdout.write(`${JSON.stringify(e)}\n`),
});
process.stdout.write(`${JSON.stringify({ type: 'done', totals: result.totals })}\n`);
