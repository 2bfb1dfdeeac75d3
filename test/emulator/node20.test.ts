// Node 20 clean install: no locked package asks for a newer Node than the package promises
// (cookie@2 via fastify's light-my-request wanted >= 22; package.json overrides it with cookie@1.1.1,
// which has the same stringifySetCookie and supports Node >= 18).
import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, { engines?: { node?: string }; optional?: boolean }>;
};

/** Whether a `engines.node` range admits Node 20 (the forms found in npm ranges: >=N, ^N || ..., N.x || ...). */
function admits20(range: string): boolean {
  return range.split('||').some((part) => {
    const p = part.trim();
    const ge = /^>=\s*v?(\d+)/.exec(p);
    if (ge) return Number(ge[1]) <= 20;
    const caret = /^[\^~]?\s*v?(\d+)/.exec(p);
    return caret ? Number(caret[1]) === 20 || (p.startsWith('>') && Number(caret[1]) < 20) : p === '*' || p === '';
  });
}

it('every locked package admits Node 20', () => {
  const bad = Object.entries(lock.packages)
    .filter(([name, v]) => name !== '' && v.engines?.node && !v.optional && !admits20(v.engines.node))
    .map(([name, v]) => `${name} ${v.engines!.node}`);
  expect(bad).toEqual([]);
  // the cookie light-my-request resolves: its own nested copy, else the hoisted one
  const cookie = lock.packages['node_modules/light-my-request/node_modules/cookie'] ?? lock.packages['node_modules/cookie'];
  expect(cookie).toMatchObject({ version: '1.1.1' });
});
