// `tcbatch serve` acceptance (issue 4): starts quickly, answers a signed GET /api/v2/owners, 401 for a
// wrong signature with TC's message, never prints the secret; usage errors exit 2.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { call } from './signer.js';

const BIN = fileURLToPath(new URL('../../bin/tcbatch.js', import.meta.url));
const SECRET = 'cli-secret-value-9d2f';
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
});

const CLEAN_ENV = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^TC_/.test(k)));

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...CLEAN_ENV, ...env } });
  children.push(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
  return { child, exited, output: () => ({ out, err }) };
}

it('serve starts, answers signed requests, refuses a wrong signature, never prints the secret, exits 0 on SIGTERM', async () => {
  const p = run(['serve', '--port', '0', '--access-id', 'A', '--secret-key', SECRET, '--owner', 'MyOrg', '--log-level', 'trace']);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on (http:\/\/\S+\/api)/.exec(p.output().out);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
    }, 10);
    void p.exited.then((code) => reject(new Error(`exited ${code}: ${p.output().err}`)));
  });
  const ok = await call(url, 'GET', '/v2/owners', undefined, { accessId: 'A', secretKey: SECRET, timestamp: Math.floor(Date.now() / 1000) });
  expect(ok.status).toBe(200);
  expect(ok.json).toEqual({ status: 'Success', data: { resultCount: 1, owner: [{ id: 1, name: 'MyOrg', type: 'Organization' }] } });
  const bad = await call(url, 'GET', '/v2/owners', undefined, { accessId: 'A', secretKey: 'not-it', timestamp: Math.floor(Date.now() / 1000) });
  expect(bad.status).toBe(401);
  expect(bad.json).toEqual({ status: 'Failure', message: 'Signature data did not match expected result' });
  p.child.kill('SIGTERM');
  expect(await p.exited).toBe(0);
  const { out, err } = p.output();
  expect(out).toContain('owners: MyOrg');
  expect(err).toContain('/api/v2/owners');
  expect(out + err).not.toContain(SECRET);
});

it.concurrent('serve without credentials is a usage error (exit 2)', async () => {
  const p = run(['serve', '--port', '0']);
  expect(await p.exited).toBe(2);
  expect(p.output().err).toContain('give credentials: TC_API_ACCESS_ID and TC_API_SECRET_KEY or TC_TOKEN in the environment, --users FILE');
});

it.concurrent('an invalid flag value is a usage error (exit 2)', async () => {
  const p = run(['serve', '--error-rate', '2', '--token', 't']);
  expect(await p.exited).toBe(2);
  expect(p.output().err).toContain('must be between 0 and 1');
});
