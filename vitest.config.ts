import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // vitest's default leaves one core idle; CI and dev machines here have two.
    maxWorkers: 2,
    // Test files share a worker's module cache (the generated validators and the emulator load once
    // per worker, not once per file): no test depends on fresh module state.
    isolate: false,
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
