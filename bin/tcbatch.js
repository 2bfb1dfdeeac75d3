#!/usr/bin/env node
// tcbatch CLI launcher: runs the built CLI when `npm run build` has made dist/, else the
// TypeScript sources through tsx (a fresh clone after `npm ci`).
import { existsSync } from 'node:fs';

const dist = new URL('../dist/src/cli/index.js', import.meta.url);
if (existsSync(dist)) {
  await import(dist.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/cli/index.ts', import.meta.url).href);
}
