import { randomBytes } from 'node:crypto';

/** The database every test uses; created and migrated by test/global-setup.ts. */
export const TEST_DATABASE_URL = process.env.HERALD_TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/herald_test';
export const TEST_REDIS_URL = process.env.HERALD_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** A fixed master key for tests; processes started by a test share it through the environment. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 0x42).toString('base64');

/** A queue prefix of one's own, so that workers of other test files never take this file's jobs. */
export function uniquePrefix(label: string): string {
  return `t-${label}-${randomBytes(4).toString('hex')}`;
}

/** A name no other test run uses (projects are unique by name). */
export function uniqueName(label: string): string {
  return `${label}-${randomBytes(5).toString('hex')}`;
}

/** The environment of a Herald process started by a test. */
export function heraldEnv(overrides: Record<string, string | number> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    HERALD_ENV: 'test',
    DATABASE_URL: TEST_DATABASE_URL,
    REDIS_URL: TEST_REDIS_URL,
    HERALD_MASTER_KEY: TEST_MASTER_KEY,
    HERALD_LOG_LEVEL: 'info',
    HERALD_HELO_NAME: 'herald-test.local',
    // many workers run at once in tests: their probe ports are opt-in (a free port per process)
    HERALD_WORKER_HEALTH_PORT: '0',
    HERALD_SMTP_HEALTH_PORT: '0',
  };
  for (const [key, value] of Object.entries(overrides)) env[key] = String(value);
  return env;
}
