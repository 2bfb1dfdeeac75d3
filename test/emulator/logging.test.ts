// Secrets never appear in the emulator's logs (issue 4 acceptance; DESIGN.md §3 "secrets").
import { PassThrough } from 'node:stream';
import { expect, it } from 'vitest';
import { SECRET_KEY, TOKEN, call, sign } from './signer.js';
import { config, runJob, start } from './harness.js';

it('request logs at trace level contain neither the secret key, the token nor the Authorization value', async () => {
  const sink = new PassThrough();
  const chunks: Buffer[] = [];
  sink.on('data', (c: Buffer) => chunks.push(c));
  const emu = await start({ logStream: sink, logLevel: 'trace' });
  const auth = sign('GET', `${emu.url}/v2/owners`).Authorization!;
  try {
    await call(emu.url, 'GET', '/v2/owners');
    await call(emu.url, 'GET', '/v2/owners', undefined, { secretKey: 'wrong' });
    await call(emu.url, 'GET', '/v2/owners', undefined, { token: TOKEN });
    await call(emu.url, 'GET', '/v2/owners', undefined, { token: `${TOKEN}x` });
    await call(emu.url, 'POST', '/v2/batch', config({ attributeWriteType: 'Nope' }));
    await runJob(emu.url, { indicator: [{ type: 'Host', summary: 'bad_host', attribute: [{ type: 'Description', value: SECRET_KEY }] }] });
    for (const who of [{}, { token: TOKEN }]) {
      const form = new FormData();
      form.append('config', JSON.stringify(config()));
      form.append('content', '[]');
      expect((await call(emu.url, 'POST', '/v2/batch/createAndUpload', form, who)).status).toBe(202);
    }
  } finally {
    await emu.close();
  }
  const logs = Buffer.concat(chunks).toString('utf8');
  expect(logs.length).toBeGreaterThan(0);
  expect(logs).toContain('/v2/owners');
  expect(logs).not.toContain(SECRET_KEY);
  expect(logs).not.toContain(TOKEN);
  expect(logs).not.toContain(auth.split(':')[1]);
  expect(logs).toContain('Providing options to busboy'); // @fastify/multipart's trace line, with the headers redacted
  expect(logs).toContain('[redacted]');
  expect(logs).not.toMatch(/TC-Token|"TC [^"]*:/);
});
