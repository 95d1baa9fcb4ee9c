import { createRedis } from '@herald/core';
import type { RedisClient } from '@herald/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { createRedisPolicyCache, memoPolicyCache, type CachedPolicy, type PolicyCache } from './policy-cache.ts';

const ENTRY: CachedPolicy = {
  id: '20250101',
  policy: { version: 'STSv1', mode: 'enforce', mx: ['mx.example.com', '*.backup.example.com'], maxAge: 86400 },
  fetchedAt: 1_750_000_000_000,
  expiresAt: 1_750_086_400_000,
};

describe('the Redis MTA-STS policy cache', () => {
  const prefix = uniquePrefix('sts-cache');
  let redis: RedisClient;
  let cache: PolicyCache;

  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL);
    cache = createRedisPolicyCache(redis, prefix);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('reads back what it stored, from another connection too, under <prefix>:<domain> with the given TTL', async () => {
    await cache.set('stored.example', ENTRY, 86400);

    const other = createRedis(TEST_REDIS_URL);
    try {
      expect(await createRedisPolicyCache(other, prefix).get('stored.example')).toEqual(ENTRY);
    } finally {
      await other.quit();
    }
    const ttl = await redis.ttl(`${prefix}:stored.example`);
    expect(ttl).toBeGreaterThan(86390);
    expect(ttl).toBeLessThanOrEqual(86400);
  });

  it('answers null for a domain it holds nothing for, or held under another prefix', async () => {
    await createRedisPolicyCache(redis, `${prefix}-other`).set('elsewhere.example', ENTRY, 60);
    try {
      expect(await cache.get('elsewhere.example')).toBeNull();
    } finally {
      await redis.del(`${prefix}-other:elsewhere.example`);
    }
  });

  it('forgets an entry once its TTL has run out in Redis', async () => {
    await cache.set('short.example', ENTRY, 1);
    expect(await cache.get('short.example')).toEqual(ENTRY);
    await new Promise((resolve) => setTimeout(resolve, 1_200));
    expect(await cache.get('short.example')).toBeNull();
  });

  it('removes the entry instead of storing one for a max_age of 0', async () => {
    await cache.set('zero.example', ENTRY, 3600);
    await cache.set('zero.example', { ...ENTRY, policy: { ...ENTRY.policy, maxAge: 0 } }, 0);
    expect(await redis.exists(`${prefix}:zero.example`)).toBe(0);
  });

  it('treats an entry that does not read back as a policy as absent', async () => {
    await redis.set(`${prefix}:garbage.example`, 'not json', 'EX', 60);
    await redis.set(`${prefix}:wrong.example`, JSON.stringify({ ...ENTRY, policy: { ...ENTRY.policy, mode: 'strict' } }), 'EX', 60);
    expect(await cache.get('garbage.example')).toBeNull();
    expect(await cache.get('wrong.example')).toBeNull();
  });
});

describe('the in-process memo in front of the shared policy cache', () => {
  const prefix = uniquePrefix('sts-memo');
  let redis: RedisClient;
  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('asks the shared cache once per interval per domain, sees its own writes at once, and another worker’s after the interval', async () => {
    let clock = 1_000;
    const shared = createRedisPolicyCache(redis, prefix);
    let reads = 0;
    const countingShared: PolicyCache = { get: (d) => (reads++, shared.get(d)), set: (d, e, t) => shared.set(d, e, t) };
    const memo = memoPolicyCache(countingShared, 30_000, () => clock);

    for (let i = 0; i < 5; i++) expect(await memo.get('memo.example')).toBeNull();
    expect(reads).toBe(1);

    await shared.set('memo.example', ENTRY, 86400); // another worker fetched a policy
    expect(await memo.get('memo.example')).toBeNull();
    clock += 30_000;
    expect(await memo.get('memo.example')).toEqual(ENTRY);
    expect(reads).toBe(2);

    await memo.set('memo.example', { ...ENTRY, id: 'newer' }, 86400);
    expect((await memo.get('memo.example'))?.id).toBe('newer');
    await memo.set('memo.example', ENTRY, 0);
    expect(await memo.get('memo.example')).toBeNull();
    expect(reads).toBe(2);
  });
});
