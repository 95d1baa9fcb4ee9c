import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeraldError } from '@herald/core';
import { createDailyQuota, type DailyQuota } from '@herald/core/limits/daily-quota';
import { RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { reserveDailyQuota } from './reserve-quota.ts';

const NOON = Date.parse('2026-05-10T12:00:00.000Z');

describe('reserving the daily quota for a send', () => {
  const prefix = uniquePrefix('quota-plugin');
  let redis: Redis;
  let quota: DailyQuota;
  const used = async (projectId: string) => Number(await redis.get(`${prefix}:quota:${projectId}:2026-05-10`));

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    quota = createDailyQuota(redis, prefix, () => NOON);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('counts the recipients of an accepted send', async () => {
    await reserveDailyQuota(quota, 'p-count', 3, 10);
    await reserveDailyQuota(quota, 'p-count', 7, 10);
    expect(await used('p-count')).toBe(10);
  });

  it('refuses a send past the quota with 429 quota_exceeded, saying what is used and when it resets', async () => {
    await reserveDailyQuota(quota, 'p-full', 8, 10);
    const err = await reserveDailyQuota(quota, 'p-full', 3, 10).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HeraldError);
    const error = err as HeraldError;
    expect(error.code).toBe('quota_exceeded');
    expect(error.status).toBe(429);
    expect(error.message).toBe(
      "the project's daily sending quota is used up: 8 of 10 recipients used today, this request has 3; it resets at 2026-05-11T00:00:00.000Z",
    );
    expect(error.details).toEqual({ limit: 10, used: 8, resets_at: '2026-05-11T00:00:00.000Z' });
    expect(await used('p-full')).toBe(8);
  });

  it('gives the reservation back when release is called, only once however often it is called', async () => {
    await reserveDailyQuota(quota, 'p-release', 4, 10);
    const release = await reserveDailyQuota(quota, 'p-release', 5, 10);
    expect(await used('p-release')).toBe(9);
    await release();
    await release();
    expect(await used('p-release')).toBe(4);
  });

  it('asks nothing of Redis for an unlimited project (limit 0)', async () => {
    const untouchable = createDailyQuota(
      new Proxy({} as Redis, {
        get(_, property) {
          throw new Error(`Redis was used (${String(property)})`);
        },
      }),
      prefix,
    );
    const release = await reserveDailyQuota(untouchable, 'p-free', 1_000, 0);
    await expect(release()).resolves.toBeUndefined();
  });
});

describe('reserving the daily quota when Redis is unreachable', () => {
  let redis: Redis;

  beforeAll(async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    redis = new Redis({ host: '127.0.0.1', port, ...RATE_LIMIT_REDIS_OPTIONS, retryStrategy: () => 1_000 });
    redis.on('error', () => {});
  });

  afterAll(() => redis.disconnect());

  it('lets the send through uncounted at once and logs a warning', async () => {
    const warnings: string[] = [];
    const started = performance.now();
    const release = await reserveDailyQuota(createDailyQuota(redis, 'unused'), 'p-down', 5, 10, {
      log: { warn: (_obj, msg) => void warnings.push(msg) },
    });
    expect(performance.now() - started).toBeLessThan(100);
    expect(warnings).toEqual(['daily quota unavailable: the send is let through uncounted']);
    await expect(release()).resolves.toBeUndefined();
  });
});
