// Runs every ```ts block of README.md that imports from 'tcbatch', as written (tsconfig.json "paths" map
// 'tcbatch' to src/index.ts),
// and checks the values its `// comment` lines after console.log promise.
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startEmulator, type RunningEmulator } from '../../src/emulator/index.js';

const root = resolve(import.meta.dirname, '../..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!).filter((b) => /from 'tcbatch(\/emulator)?'/.test(b));

// The submit examples read TC_* from the environment, as a user's shell after `tcbatch serve` would set them.
let emu: RunningEmulator;
const saved = { ...process.env };
beforeAll(async () => {
  emu = await startEmulator({ credentials: [{ accessId: 'A', secretKey: 'S' }], owners: ['MyOrg'] });
  Object.assign(process.env, { TC_API_PATH: emu.url, TC_API_ACCESS_ID: 'A', TC_API_SECRET_KEY: 'S', TC_OWNER: 'MyOrg' });
});
afterAll(async () => {
  for (const k of ['TC_API_PATH', 'TC_API_ACCESS_ID', 'TC_API_SECRET_KEY', 'TC_OWNER']) if (saved[k] === undefined) delete process.env[k];
  await emu.close();
});

describe('README code blocks', () => {
  it('has the examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
  });
  blocks.forEach((code, i) => {
    it(`block ${i + 1} runs as written`, async () => {
      const dir = join(root, '.tmp', 'readme');
      mkdirSync(dir, { recursive: true });
      const file = join(dir, `block-${i + 1}.ts`);
      // as written: `from 'tcbatch'` resolves to the sources (tsconfig.json "paths"), as it does for
      // a reader who runs the block with tsx in a fresh clone
      writeFileSync(file, code);
      const logs: string[] = [];
      const spy = vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
        logs.push(args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' '));
      });
      try {
        await import(`${file}?t=${Date.now()}`);
      } finally {
        spy.mockRestore();
      }
      // `console.log(x); // value` lines: the printed value must equal the comment (JSON compared loosely).
      const promised = [...code.matchAll(/^console\.log\(.*\);\s*\/\/ (.+)$/gm)].map((m) => m[1]!);
      // Promised values must appear in the printed lines, in order.
      const norm = (s: string) => s.replace(/\s+/g, '').replace(/"/g, '').replace(/'/g, '');
      let at = 0;
      for (const want of promised) {
        const found = logs.slice(at).findIndex((l) => norm(l) === norm(want));
        expect(found, `README promises ${want}; printed:\n${logs.join('\n')}`).toBeGreaterThanOrEqual(0);
        at += found + 1;
      }
    });
  });
});
