// Limits before work: a job config is small; an upload for a missing job or group is answered before
// its body is read; malformed multipart is a 400.
import { request } from 'node:http';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { call, sign } from './signer.js';
import { config, start } from './harness.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await start();
});
afterAll(() => emu.close());

/** Send only the headers of a request announcing `length` bytes; resolve with the answer that comes back without the body. */
function headersOnly(path: string, method: string, length: number, contentType: string): Promise<{ status: number; body: string }> {
  const url = new URL(`${emu.url}${path}`);
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers: { ...sign(method, url.href), 'Content-Type': contentType, 'Content-Length': String(length) } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.flushHeaders(); // no body is ever written
  });
}

it('a 30 MB job config is refused from its Content-Length, before it is read', async () => {
  const r = await headersOnly('/v2/batch', 'POST', 30_000_000, 'application/json');
  expect(r).toEqual({ status: 400, body: JSON.stringify({ status: 'Invalid', description: 'File size greater than allowable limit of 65536' }) });
});

it('a 40 MB upload for a missing job or another job state is answered before its body is sent', async () => {
  expect(await headersOnly('/v2/batch/999999', 'POST', 40_000_000, 'application/octet-stream')).toEqual({
    status: 404,
    body: JSON.stringify({ status: 'Failure', message: 'The requested resource was not found' }),
  });
  const id = (await call(emu.url, 'POST', '/v2/batch', config())).json.data.batchId;
  expect((await headersOnly(`/v2/batch/${id}`, 'POST', 40_000_000, 'application/json')).status).toBe(415);
});

it('40 MB file uploads for a missing group are answered before their bodies are sent (four at once)', async () => {
  const answers = await Promise.all([1, 2, 3, 4].map((i) => headersOnly(`/v2/groups/documents/missing-${i}/upload?owner=MyOrg`, 'POST', 40_000_000, 'application/octet-stream')));
  expect(answers).toEqual(Array(4).fill({ status: 404, body: JSON.stringify({ status: 'Failure', message: 'The requested resource was not found' }) }));
});

it('multipart without a boundary, truncated, or with garbage is a 400 with a v2 body', async () => {
  const bodies: Array<[string, string]> = [
    ['multipart/form-data', '--x\r\nContent-Disposition: form-data; name="config"\r\n\r\n{}\r\n--x--\r\n'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="config"\r\n\r\n{"owner":"MyOrg"'],
    ['multipart/form-data; boundary=x', 'garbage'],
    ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data\r\n\r\n{}\r\n--x--\r\n'],
  ];
  for (const [contentType, body] of bodies) {
    const r = await call(emu.url, 'POST', '/v2/batch/createAndUpload', body, { contentType });
    expect([contentType, r.status, r.json?.status]).toEqual([contentType, 400, 'Failure']);
  }
  expect((await call(emu.url, 'GET', '/v2/owners')).status).toBe(200);
});
