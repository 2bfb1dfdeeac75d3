// `tcbatch serve`: credentials from the environment (a warning when given as arguments), secrets
// absent from trace-level logs (multipart requests included), one human line per request by default,
// JSON lines with --log-format json, users from --users FILE.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { call, sign } from './signer.js';

const BIN = fileURLToPath(new URL('../../bin/tcbatch.js', import.meta.url));
const SECRET = 'env-secret-value-51c7';
const TOKEN = 'APIV2:9:envtoken:1234567890123:Zm9vYmFyYmF6cXV4';
const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^TC_/.test(k)));
const dir = mkdtempSync(join(tmpdir(), 'tcbatch-cli-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

async function serve(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...CLEAN_ENV, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+\/api)/.exec(out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 10);
    void exited.then((code) => reject(new Error(`exited ${code}: ${err}`)));
  });
  const stop = async () => {
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    return { out, err };
  };
  return { url, stop };
}

const now = () => Math.floor(Date.now() / 1000);
const hmac = { accessId: 'ENVID', secretKey: SECRET };

it('credentials from TC_API_ACCESS_ID/TC_API_SECRET_KEY/TC_TOKEN; trace logs hold no secret, token or signature (multipart too)', async () => {
  const s = await serve(['--owner', 'MyOrg', '--log-level', 'trace'], { TC_API_ACCESS_ID: 'ENVID', TC_API_SECRET_KEY: SECRET, TC_TOKEN: TOKEN });
  const signature = sign('GET', `${s.url}/v2/owners`, { ...hmac, timestamp: now() }).Authorization!.split(':')[1]!;
  expect((await call(s.url, 'GET', '/v2/owners', undefined, { ...hmac, timestamp: now() })).status).toBe(200);
  expect((await call(s.url, 'GET', '/v2/owners', undefined, { token: TOKEN })).status).toBe(200);
  const form = new FormData();
  form.append('config', JSON.stringify({ version: 'V2', owner: 'MyOrg', action: 'Create', attributeWriteType: 'Replace', haltOnError: false }));
  form.append('content', new Blob([JSON.stringify({ indicator: [{ type: 'Host', summary: 'env.example.com' }] })]), 'content');
  expect((await call(s.url, 'POST', '/v2/batch/createAndUpload?includeAdditional=true', form, { ...hmac, timestamp: now() })).status).toBe(202);
  const tokenForm = new FormData();
  tokenForm.append('config', '{"owner":"MyOrg","action":"Create","attributeWriteType":"Replace","haltOnError":false}');
  tokenForm.append('content', '[]');
  expect((await call(s.url, 'POST', '/v2/batch/createAndUpload', tokenForm, { token: TOKEN })).status).toBe(202);
  expect((await call(s.url, 'GET', '/v2/owners', undefined, { ...hmac, secretKey: 'wrong', timestamp: now() })).status).toBe(401);
  const { out, err } = await s.stop();
  expect(err).toContain('Providing options to busboy'); // the multipart plugin's trace line was written ...
  for (const secret of [SECRET, TOKEN, signature, 'TC ENVID:', 'TC-Token APIV2']) expect(out + err).not.toContain(secret); // ... without secrets
  expect(err).not.toContain('warning:');
  // one human line per request: time, level, method, path, status, milliseconds
  expect(err).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO  GET \/api\/v2\/owners 200 \d+\.\d ms$/m);
  expect(err).toMatch(/^\S+ INFO  POST \/api\/v2\/batch\/createAndUpload\?includeAdditional=true 202 \d+\.\d ms$/m);
  expect(err).toMatch(/^\S+ INFO  GET \/api\/v2\/owners 401 \d+\.\d ms$/m);
});

it('a secret key or token given as an argument works but warns; --log-format json writes JSON lines', async () => {
  const s = await serve(['--access-id', 'ARG', '--secret-key', SECRET, '--token', TOKEN, '--log-format', 'json']);
  expect((await call(s.url, 'GET', '/v2/owners', undefined, { accessId: 'ARG', secretKey: SECRET, timestamp: now() })).status).toBe(200);
  const { err } = await s.stop();
  const lines = err.trim().split('\n');
  expect(lines.filter((l) => l.startsWith('warning:'))).toEqual([
    'warning: --secret-key is visible to other users of this machine (ps, shell history); set TC_API_SECRET_KEY instead',
    'warning: --token is visible to other users of this machine (ps, shell history); set TC_TOKEN or use --users FILE instead',
  ]);
  const requests = lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>).filter((o) => o.msg === 'request');
  expect(requests.map(({ method, url, statusCode }) => ({ method, url, statusCode }))).toEqual([{ method: 'GET', url: '/api/v2/owners', statusCode: 200 }]);
  expect(err).not.toContain(SECRET);
});

it('--users FILE (YAML): rights per owner; --batch-api-unavailable answers the documented 503', async () => {
  const file = join(dir, 'users.yaml');
  writeFileSync(
    file,
    [
      'owners:',
      '  - { name: MyOrg, type: Organization }',
      '  - { name: Partners, type: Community }',
      'users:',
      '  - name: writer',
      `    credentials: [{ accessId: W, secretKey: "${SECRET}" }]`,
      '    owners: { MyOrg: write, Partners: read }',
    ].join('\n'),
  );
  const s = await serve(['--users', file, '--quiet']);
  const w = { accessId: 'W', secretKey: SECRET, timestamp: now() };
  const owners = await call(s.url, 'GET', '/v2/owners', undefined, w);
  expect(owners.json.data.owner.map((o: { name: string; type: string }) => [o.name, o.type])).toEqual([
    ['MyOrg', 'Organization'],
    ['Partners', 'Community'],
  ]);
  const cfg = { version: 'V2', action: 'Create', attributeWriteType: 'Replace', haltOnError: false };
  expect((await call(s.url, 'POST', '/v2/batch', { ...cfg, owner: 'MyOrg' }, w)).status).toBe(201);
  const refused = await call(s.url, 'POST', '/v2/batch', { ...cfg, owner: 'Partners' }, w);
  expect([refused.status, refused.headers.get('content-type'), refused.text]).toEqual([
    401,
    'text/plain; charset=utf-8',
    'Unable to perform the requested operation due to the following error(s): You do not have permission to create Indicators; Groups; Attributes; Tags; Security Labels;',
  ]);
  const { out } = await s.stop();
  expect(out).toContain('owners: MyOrg, Partners');
  expect(out).not.toContain(SECRET);

  const off = await serve(['--batch-api-unavailable', '--quiet'], { TC_TOKEN: TOKEN });
  const r = await call(off.url, 'POST', '/v2/batch', { ...cfg, owner: 'Demo Organization' }, { token: TOKEN });
  expect([r.status, r.text]).toEqual([503, 'Batch job api is not available.  Ensure that batchJobEnabled is true and document storage is enabled and configured;']);
  expect((await call(off.url, 'GET', '/v2/owners', undefined, { token: TOKEN })).status).toBe(200);
  await off.stop();
});
