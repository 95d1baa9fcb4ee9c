import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL, TEST_REDIS_URL } from '@herald/test/support/env.ts';
import { createDb } from '../db/orm.ts';
import { MIGRATIONS_DIR } from '../db/migrate.ts';
import { runReadinessChecks, standardReadinessChecks } from './readiness.ts';

describe('readiness checks', () => {
  const db = createDb(TEST_DATABASE_URL, { poolSize: 1 });
  const deadDb = createDb('postgresql://postgres@127.0.0.1:9/none', { poolSize: 1 });
  const redis = new Redis(TEST_REDIS_URL);
  const deadRedis = new Redis('redis://127.0.0.1:9', { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  deadRedis.on('error', () => undefined);
  afterAll(async () => {
    await db.$disconnect();
    await deadDb.$disconnect();
    redis.disconnect();
    deadRedis.disconnect();
  });

  it('is ok when Postgres and Redis answer and every migration is applied', async () => {
    expect(await runReadinessChecks(standardReadinessChecks(db, redis))).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok', migrations: 'ok' },
    });
  });

  it('fails, naming the check, when a migration of this build is not applied', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
    cpSync(MIGRATIONS_DIR, dir, { recursive: true });
    mkdirSync(join(dir, '29991231000000_from_the_future'));
    writeFileSync(join(dir, '29991231000000_from_the_future', 'migration.sql'), 'SELECT 1;');
    const report = await runReadinessChecks(standardReadinessChecks(db, redis, dir));
    expect(report.status).toBe('fail');
    expect(report.checks).toMatchObject({ postgres: 'ok', redis: 'ok' });
    expect(report.checks.migrations).toMatch(/^1 migration\(s\) pending: run `herald migrate`/);
  });

  it('fails when Postgres or Redis does not answer, within the time bound', async () => {
    const started = Date.now();
    const report = await runReadinessChecks(standardReadinessChecks(deadDb, deadRedis), 1_500);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(report.status).toBe('fail');
    expect(report.checks.postgres).not.toBe('ok');
    expect(report.checks.redis).not.toBe('ok');
  });
});
