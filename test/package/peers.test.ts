// Optional peer dependencies (src/peers.ts): a missing one is a MissingPeerError naming the package
// and the install command; any other load error passes through; and `import 'tcbatch'` plus a
// memory-store build and submit never loads fastify, @fastify/multipart or better-sqlite3 (a
// child process, whose module cache starts empty). The consumer test (test/consumer/run.mjs)
// checks the same against a real install without the peers.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MissingPeerError, TcBatchError } from '../../src/errors.js';
import { requirePeer, requirePeers } from '../../src/peers.js';
import { EMULATOR_PEERS } from '../../src/emulator/peers.js';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const root = resolve(import.meta.dirname, '../..');

/** A `require` that knows only `present` and fails for everything else as Node does. */
function fakeRequire(present: Record<string, unknown>): NodeJS.Require {
  const notFound = (name: string) =>
    Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /x/dialect.js`), {
      code: 'MODULE_NOT_FOUND',
    });
  const req = ((name: string) => {
    if (name in present) return present[name];
    throw notFound(name);
  }) as NodeJS.Require;
  req.resolve = ((name: string) => {
    if (name in present) return `/x/node_modules/${name}/index.js`;
    throw notFound(name);
  }) as NodeJS.RequireResolve;
  return req;
}

describe('requirePeer', () => {
  it('returns the package when it is installed', () => {
    const pkg = { marker: 1 };
    expect(requirePeer('better-sqlite3', 'DiskStore', fakeRequire({ 'better-sqlite3': pkg }))).toBe(pkg);
  });

  it('a missing package is a MissingPeerError with the install command', () => {
    let caught: unknown;
    try {
      requirePeer('better-sqlite3', 'DiskStore', fakeRequire({}));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(MissingPeerError);
    expect(caught).toBeInstanceOf(TcBatchError);
    const err = caught as MissingPeerError;
    expect(err.code).toBe('TCB_MISSING_PEER');
    expect(err.name).toBe('MissingPeerError');
    expect(err.packages).toEqual(['better-sqlite3']);
    expect(err.feature).toBe('DiskStore');
    expect(err.install).toBe('npm install better-sqlite3');
    expect(err.message).toBe(
      'DiskStore needs the optional peer dependency better-sqlite3, which is not installed: run `npm install better-sqlite3`',
    );
    expect((err.cause as { code: string }).code).toBe('MODULE_NOT_FOUND');
  });

  it('a module the package itself cannot find is not reported as the package missing', () => {
    const req = (() => {
      throw Object.assign(new Error("Cannot find module 'bindings'"), { code: 'MODULE_NOT_FOUND' });
    }) as unknown as NodeJS.Require;
    expect(() => requirePeer('better-sqlite3', 'DiskStore', req)).toThrow("Cannot find module 'bindings'");
    expect(() => requirePeer('better-sqlite3', 'DiskStore', req)).not.toThrow(MissingPeerError);
  });

  it('any other load error passes through as it is', () => {
    const boom = new Error('The module was compiled against a different Node.js version');
    const req = (() => {
      throw boom;
    }) as unknown as NodeJS.Require;
    expect(() => requirePeer('better-sqlite3', 'DiskStore', req)).toThrow(boom);
  });
});

describe('requirePeers', () => {
  it('names every missing package in one error', () => {
    const req = fakeRequire({ 'better-sqlite3': {} });
    expect(() => requirePeers(EMULATOR_PEERS, 'The emulator (tcbatch/emulator, tcbatch serve)', req)).toThrow(
      new MissingPeerError('The emulator (tcbatch/emulator, tcbatch serve)', ['fastify', '@fastify/multipart']),
    );
    let caught: MissingPeerError | undefined;
    try {
      requirePeers(EMULATOR_PEERS, 'The emulator (tcbatch/emulator, tcbatch serve)', req);
    } catch (e) {
      caught = e as MissingPeerError;
    }
    expect(caught?.message).toBe(
      'The emulator (tcbatch/emulator, tcbatch serve) needs the optional peer dependencies fastify, @fastify/multipart, which are not installed: run `npm install fastify @fastify/multipart`',
    );
    expect(caught?.install).toBe('npm install fastify @fastify/multipart');
  });

  it('passes when all are there', () => {
    expect(() =>
      requirePeers(EMULATOR_PEERS, 'x', fakeRequire({ fastify: {}, '@fastify/multipart': {}, 'better-sqlite3': {} })),
    ).not.toThrow();
  });

  it('the emulator needs exactly these three', () => {
    expect(EMULATOR_PEERS).toEqual(['fastify', '@fastify/multipart', 'better-sqlite3']);
  });
});

describe("import 'tcbatch' and a memory-store submit", () => {
  let emu: RunningEmulator;
  beforeAll(async () => {
    emu = await startEmulator({ credentials: [{ accessId: 'A', secretKey: 'S' }], owners: ['MyOrg'] });
  });
  afterAll(async () => {
    await emu.close();
  });

  const child = (mode: string) =>
    promisify(execFile)(
      process.execPath,
      ['--import', 'tsx', resolve(import.meta.dirname, 'no-peers-child.ts'), mode],
      {
        cwd: root,
        env: { ...process.env, TC_API_PATH: emu.url, TC_API_ACCESS_ID: 'A', TC_API_SECRET_KEY: 'S', TC_OWNER: 'MyOrg' },
      },
    );

  it('loads no optional peer', async () => {
    const { stdout } = await child('submit');
    expect(JSON.parse(stdout)).toEqual({ succeeded: 2, total: 2, peersLoaded: [] });
  });

  it('the check sees a peer when one is loaded (DiskStore)', async () => {
    const { stdout } = await child('disk');
    expect(JSON.parse(stdout)).toEqual({ succeeded: 2, total: 2, peersLoaded: ['better-sqlite3'] });
  });
});
