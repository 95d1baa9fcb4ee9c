import { defineConfig } from 'vitest/config';

/**
 * Two projects: `unit` (files named *.unit.test.ts) are pure — no database, Redis or server of any
 * kind — and run anywhere with `npm run test:unit`; `integration` (every other *.test.ts) talks to the
 * real Postgres, Redis, SMTP and DNS servers on loopback, after the global setup has migrated the test
 * database. The fault suite runs on its own, after both (vitest.faults.config.ts).
 */
export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['apps/*/src/**/*.unit.test.ts', 'packages/*/src/**/*.unit.test.ts', 'test/**/*.unit.test.ts'],
          exclude: ['**/node_modules/**', 'test/faults/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['apps/*/src/**/*.test.ts', 'packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/node_modules/**', 'test/faults/**', '**/*.unit.test.ts'],
          globalSetup: ['test/global-setup.ts'],
        },
      },
    ],
  },
});
