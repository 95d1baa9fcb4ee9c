import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { createRateLimiter, type RateLimiter, type TakeResult } from './rate-limiter.ts';

const T0 = 1_800_000_000_000;

describe('the Redis GCRA rate limiter', () => {
  const prefix = uniquePrefix('rate-limiter');
  let redis: Redis;
  let other: Redis;
  let now = T0;
  let fake: RateLimiter;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    other = new Redis(TEST_REDIS_URL);
    fake = createRateLimiter(redis, prefix, () => now);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), other.quit()]);
  });

  async function takeMany(limiter: RateLimiter, key: string, limit: { perSecond: number; burst: number }, n: number): Promise<TakeResult[]> {
    const results: TakeResult[] = [];
    for (let i = 0; i < n; i++) results.push(await limiter.take(key, limit));
    return results;
  }

  it('allows a whole burst at once, then one request per emission interval', async () => {
    now = T0;
    const limit = { perSecond: 10, burst: 5 };
    const burst = await takeMany(fake, 'spacing', limit, 6);
    expect(burst.map((r) => r.allowed)).toEqual([true, true, true, true, true, false]);

    now = T0 + 99;
    expect((await fake.take('spacing', limit)).allowed).toBe(false);
    now = T0 + 100;
    expect((await fake.take('spacing', limit)).allowed).toBe(true);
    expect((await fake.take('spacing', limit)).allowed).toBe(false);
    now = T0 + 200;
    expect((await fake.take('spacing', limit)).allowed).toBe(true);
    // a long quiet spell refills the bucket to the burst, never beyond it
    now = T0 + 60_000;
    const refilled = await takeMany(fake, 'spacing', limit, 6);
    expect(refilled.filter((r) => r.allowed)).toHaveLength(5);
  });

  it('reports the tokens remaining and the time until the bucket is full again', async () => {
    now = T0;
    const limit = { perSecond: 10, burst: 5 };
    expect(await fake.take('counting', limit)).toEqual({ allowed: true, limit: 5, remaining: 4, resetMs: 100, retryAfterMs: 0 });
    expect(await fake.take('counting', limit)).toEqual({ allowed: true, limit: 5, remaining: 3, resetMs: 200, retryAfterMs: 0 });
    now = T0 + 150;
    expect(await fake.take('counting', limit)).toEqual({ allowed: true, limit: 5, remaining: 3, resetMs: 150, retryAfterMs: 0 });
    expect(await fake.take('counting', limit, 3)).toEqual({ allowed: true, limit: 5, remaining: 0, resetMs: 450, retryAfterMs: 0 });
    // refused: nothing left, and the wait until the bucket is full is unchanged by the refusal
    expect(await fake.take('counting', limit)).toEqual({ allowed: false, limit: 5, remaining: 0, resetMs: 450, retryAfterMs: 50 });
  });

  it('counts fractional rates exactly: 3 per second allows the 4th request after exactly 1/3 s', async () => {
    now = T0;
    const limit = { perSecond: 3, burst: 3 };
    await takeMany(fake, 'thirds', limit, 3);
    now = T0 + 333;
    expect((await fake.take('thirds', limit)).allowed).toBe(false);
    now = T0 + 334;
    expect(await fake.take('thirds', limit)).toMatchObject({ allowed: true, remaining: 0 });
  });

  it('refuses with a retryAfter close to 1/rate, on Redis time', async () => {
    const limiter = createRateLimiter(redis, prefix);
    const limit = { perSecond: 4, burst: 1 };
    expect((await limiter.take('redis-time', limit)).allowed).toBe(true);
    const refused = await limiter.take('redis-time', limit);
    expect(refused.allowed).toBe(false);
    expect(refused.remaining).toBe(0);
    expect(refused.retryAfterMs).toBeGreaterThan(200);
    expect(refused.retryAfterMs).toBeLessThanOrEqual(250);

    await new Promise((resolve) => setTimeout(resolve, refused.retryAfterMs + 5));
    expect((await limiter.take('redis-time', limit)).allowed).toBe(true);
  });

  it('keeps separate keys independent', async () => {
    now = T0;
    const limit = { perSecond: 1, burst: 2 };
    await takeMany(fake, 'independent-a', limit, 3);
    expect((await fake.take('independent-a', limit)).allowed).toBe(false);
    const b = await takeMany(fake, 'independent-b', limit, 2);
    expect(b.map((r) => [r.allowed, r.remaining])).toEqual([
      [true, 1],
      [true, 0],
    ]);
    // another prefix is another namespace
    expect((await createRateLimiter(redis, `${prefix}-x`, () => now).take('independent-a', limit)).allowed).toBe(true);
    await redis.del(`${prefix}-x:independent-a`);
  });

  it('never lets more than the burst through when many takes arrive at once on two connections', async () => {
    const a = createRateLimiter(redis, prefix);
    const b = createRateLimiter(other, prefix);
    const limit = { perSecond: 0.001, burst: 10 };
    const results = await Promise.all(Array.from({ length: 200 }, (_, i) => (i % 2 ? a : b).take('stampede', limit)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('keeps two API processes under burst + rate × elapsed while they take concurrently for a while', async () => {
    const a = createRateLimiter(redis, prefix);
    const b = createRateLimiter(other, prefix);
    const limit = { perSecond: 50, burst: 10 };
    const started = performance.now();
    const pending: Promise<TakeResult>[] = [];
    while (performance.now() - started < 600) {
      for (let i = 0; i < 10; i++) pending.push((i % 2 ? a : b).take('sustained', limit));
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const results = await Promise.all(pending);
    const elapsedS = (performance.now() - started) / 1000;
    const allowed = results.filter((r) => r.allowed).length;
    expect(results.length).toBeGreaterThan(500);
    expect(allowed).toBeLessThanOrEqual(limit.burst + limit.perSecond * elapsedS);
    // and it does refill: well past the burst alone (a 600 ms run earns about 30 more)
    expect(allowed).toBeGreaterThanOrEqual(limit.burst + 20);
  });

  it('takes from every bucket or from none: a refusal by one charges none of the others', async () => {
    now = T0;
    const roomy = { key: 'all-roomy', limit: { perSecond: 1, burst: 5 } };
    const tight = { key: 'all-tight', limit: { perSecond: 1, burst: 1 } };
    expect((await fake.takeAll([roomy, tight])).map((r) => r.allowed)).toEqual([true, true]);
    const refused = await fake.takeAll([roomy, tight]);
    expect(refused).toEqual([
      { allowed: true, limit: 5, remaining: 4, resetMs: 1000, retryAfterMs: 0 },
      { allowed: false, limit: 1, remaining: 0, resetMs: 1000, retryAfterMs: 1000 },
    ]);
    expect((await fake.take(roomy.key, roomy.limit)).remaining).toBe(3);
  });

  it('peeks without charging: it answers what a take would, and takes then go on as if it had not been asked', async () => {
    now = T0;
    const limit = { perSecond: 1, burst: 2 };
    expect(await fake.peek('peeked', limit)).toMatchObject({ allowed: true, remaining: 2 });
    expect(await redis.exists(`${prefix}:peeked`)).toBe(0);
    await takeMany(fake, 'peeked', limit, 2);
    for (let i = 0; i < 3; i++) expect(await fake.peek('peeked', limit)).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    now = T0 + 1000;
    expect(await fake.peek('peeked', limit)).toMatchObject({ allowed: true, remaining: 1 });
    expect((await fake.take('peeked', limit)).allowed).toBe(true);
    expect((await fake.take('peeked', limit)).allowed).toBe(false);
  });

  it('lets a key expire in Redis once its bucket would be full again', async () => {
    const limiter = createRateLimiter(redis, prefix);
    const result = await limiter.take('expiring', { perSecond: 10, burst: 3 });
    const ttl = await redis.pttl(`${prefix}:expiring`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(result.resetMs);
    await new Promise((resolve) => setTimeout(resolve, result.resetMs + 50));
    expect(await redis.exists(`${prefix}:expiring`)).toBe(0);
  });

  it('sends the script itself when Redis has forgotten it (NOSCRIPT after a restart)', async () => {
    const forgetful = {
      evalsha: () => Promise.reject(new Error('NOSCRIPT No matching script. Please use EVAL.')),
      eval: redis.eval.bind(redis),
    } as unknown as Redis;
    now = T0;
    const result = await createRateLimiter(forgetful, prefix, () => now).take('noscript', { perSecond: 1, burst: 2 });
    expect(result).toMatchObject({ allowed: true, remaining: 1 });
    expect(await redis.exists(`${prefix}:noscript`)).toBe(1);
  });

  it('refuses limits that make no sense instead of guessing', async () => {
    await expect(fake.take('bad', { perSecond: 0, burst: 1 })).rejects.toThrow(/perSecond/);
    await expect(fake.take('bad', { perSecond: 1, burst: 0 })).rejects.toThrow(/burst/);
    await expect(fake.take('bad', { perSecond: 1, burst: 2 }, 3)).rejects.toThrow(/never fit/);
    await expect(fake.take('bad', { perSecond: 1, burst: 2 }, 0)).rejects.toThrow(/cost/);
  });
});
