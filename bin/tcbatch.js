#!/usr/bin/env node
// tcbatch CLI launcher. In a checkout of tcbatch (src/cli/index.ts is there) it runs the TypeScript
// sources through tsx, so `npm run demo` and `npx tcbatch` always run the code as it is, built or
// not; in the installed package (no sources) it runs the ES module build, dist/esm.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/index.ts', import.meta.url);
let tsx;
if (existsSync(source)) {
  try {
    tsx = await import('tsx/esm/api');
  } catch {
    // tsx is a devDependency: without it (`npm ci --omit=dev`), the build
  }
}
if (tsx) {
  tsx.register();
  await import(source.href);
} else {
  await import(new URL('../dist/esm/src/cli/index.js', import.meta.url).href);
}
