// A disk store's database left by a SIGKILLed process is removed by the next disk store.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { DiskStore } from '../../src/index.js';

const CHILD = `
import { Batch } from ${JSON.stringify(resolve('src/index.ts'))};
const dir = process.argv[2];
const batch = new Batch({ owner: 'o', store: 'disk', ...(dir ? { storeDir: dir } : {}) });
for (let i = 0; i < 100; i++) batch.host('h' + i + '.example.com');
process.stdout.write((dir ? batch.store.file : batch.store.dir) + '\\n');
setTimeout(() => {}, 60000);
`;

async function killedStore(dir?: string): Promise<string> {
  const script = join(tmpdir(), `tcbatch-stale-child-${process.pid}.mts`);
  writeFileSync(script, CHILD);
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...(dir ? [dir] : [])], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((r) => child.once('exit', r));
  let path = '';
  for await (const line of createInterface({ input: child.stdout! })) {
    path = line.trim();
    break;
  }
  child.kill('SIGKILL');
  await exited;
  rmSync(script, { force: true });
  return path;
}

describe('disk store leftovers of killed runs', () => {
  it('its own temporary folder, and a database file in a given directory', async () => {
    const left = await killedStore();
    expect(existsSync(left)).toBe(true);
    new DiskStore().close();
    expect(existsSync(left)).toBe(false);

    const dir = mkdtempSync(join(tmpdir(), 'tcbatch-given-'));
    try {
      const file = await killedStore(dir);
      expect(existsSync(file)).toBe(true);
      const mine = new DiskStore({ dir });
      expect(existsSync(file)).toBe(false);
      expect(existsSync(mine.file)).toBe(true);
      mine.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
