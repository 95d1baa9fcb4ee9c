import { defineConfig } from 'vitest/config';

/**
 * The fault suite (`npm run test:faults`): real API and worker processes on a Postgres and a Redis of
 * each test's own, which the tests kill, flush and restart. One file at a time: the machine's cores
 * go to the processes under test.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    reporters: ['default'],
  },
});
