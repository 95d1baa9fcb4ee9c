import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heraldEnv, uniquePrefix } from '../support/env.ts';
import { startHerald, type HeraldProcess } from '../support/herald-process.ts';
import { startPrivateRedis, type PrivateRedis } from '../support/private-redis.ts';
import { migratedThrowawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database.ts';

/** An evicting Redis can drop queued jobs: the worker says so, loudly, when it starts. */
describe('a worker on a Redis that may evict keys', () => {
  let redis: PrivateRedis;
  let database: ThrowawayDatabase;
  let worker: HeraldProcess;
  beforeAll(async () => {
    [redis, database] = await Promise.all([startPrivateRedis({ maxmemoryPolicy: 'allkeys-lru' }), migratedThrowawayDatabase('policy')]);
    worker = await startHerald('worker', heraldEnv({ REDIS_URL: redis.url, DATABASE_URL: database.url, HERALD_QUEUE_PREFIX: uniquePrefix('policy') }));
  });
  afterAll(async () => {
    await worker?.stop();
    await redis?.destroy();
    await database?.drop();
  });

  it('logs an error naming the policy and the fix at start, and runs anyway', () => {
    const line = worker
      .output()
      .split('\n')
      .find((l) => l.includes('maxmemory-policy is not noeviction'));
    expect(line).toBeDefined();
    expect(JSON.parse(line as string)).toMatchObject({ level: 50, maxmemoryPolicy: 'allkeys-lru', msg: expect.stringContaining('Set maxmemory-policy noeviction') as unknown });
    expect(worker.child.exitCode).toBeNull();
  });
});
