import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { createRateLimiter, type Bucket, type RateLimiter, type TakeResult } from './rate-limiter.ts';
import { createTokenReserve, MAX_RESERVATION, RESERVE_MAX_AGE_MS, reservationSize } from './token-reserve.ts';

const T0 = 1_800_000_000_000;

describe('tokens reserved ahead from the Redis buckets', () => {
  const prefix = uniquePrefix('token-reserve');
  let redis: Redis;
  let other: Redis;
  let now = T0;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    other = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), other.quit()]);
  });

  /** A limiter on Redis with the test's clock, counting what it is asked. */
  function counted(connection: Redis = redis): { limiter: RateLimiter; calls: { reserve: number[]; takeAll: number } } {
    const inner = createRateLimiter(connection, prefix, () => now);
    const calls = { reserve: [] as number[], takeAll: 0 };
    return {
      calls,
      limiter: {
        ...inner,
        takeAll: (buckets, cost) => {
          calls.takeAll += 1;
          return inner.takeAll(buckets, cost);
        },
        reserve: (buckets, upTo) => {
          calls.reserve.push(upTo);
          return inner.reserve(buckets, upTo);
        },
      },
    };
  }

  const bucket = (key: string, perSecond: number, burst: number): Bucket => ({ key, limit: { perSecond, burst } });

  it('reserves as many tokens as every bucket has, up to the size asked, from all buckets or none', async () => {
    now = T0;
    const limiter = createRateLimiter(redis, prefix, () => now);
    const a = bucket('reserve-a', 1, 10);
    const b = bucket('reserve-b', 1, 4);
    expect(await limiter.reserve([a, b], 3)).toMatchObject({ granted: 3, results: [{ allowed: true, remaining: 7 }, { allowed: true, remaining: 1 }] });
    // b has one token left: one is granted, from both
    expect(await limiter.reserve([a, b], 3)).toMatchObject({ granted: 1, results: [{ remaining: 6 }, { remaining: 0 }] });
    const refused = await limiter.reserve([a, b], 3);
    expect(refused.granted).toBe(0);
    expect(refused.results[1]).toMatchObject({ allowed: false, retryAfterMs: 1000 });
    // the refusal charged neither bucket
    expect((await limiter.peek('reserve-a', a.limit)).remaining).toBe(6);
    await expect(limiter.reserve([a], 0)).rejects.toThrow(/upTo/);
  });

  it('sizes a reservation at 1% of the smallest burst and 10 ms of the slowest rate, one token with the default limits', () => {
    expect(reservationSize([bucket('k', 100, 200), bucket('p', 200, 400)])).toBe(1);
    expect(reservationSize([bucket('k', 1_000, 2_000), bucket('p', 2_000, 4_000)])).toBe(10);
    expect(reservationSize([bucket('k', 1_000_000, 2_000_000)])).toBe(MAX_RESERVATION);
    expect(reservationSize([bucket('k', 10, 1_000_000)])).toBe(1);
  });

  it('asks Redis once a reservation, and counts RateLimit-Remaining down one a request exactly as Redis would', async () => {
    now = T0;
    const { limiter, calls } = counted();
    const reserve = createTokenReserve(limiter, { now: () => now });
    const direct = createRateLimiter(redis, prefix, () => now);
    const keyLimit = { perSecond: 10_000, burst: 20_000 };
    const buckets = [{ key: 'busy-key', limit: keyLimit }, bucket('busy-project', 20_000, 40_000)];
    const results: TakeResult[][] = [];
    for (let i = 0; i < 250; i++) results.push(await reserve.takeAll(buckets));
    expect(results.every((r) => r.every((b) => b.allowed))).toBe(true);
    expect(calls.reserve).toEqual([100, 100, 100]);
    expect(calls.takeAll).toBe(0);
    // the tighter bucket's remaining after each request: what one take a request would have left
    expect(results.map((r) => r[0]?.remaining)).toEqual(Array.from({ length: 250 }, (_, i) => 20_000 - 1 - i));
    // Redis was charged for the three reservations: 300 tokens, 50 of them still held here
    const [mirror] = await direct.takeAll([{ key: 'busy-key-mirror', limit: keyLimit }], 300);
    expect((await direct.peek('busy-key', keyLimit)).remaining).toBe(mirror?.remaining);
  });

  it('serves requests arriving together from one reservation', async () => {
    now = T0;
    const { limiter, calls } = counted();
    const reserve = createTokenReserve(limiter, { now: () => now });
    const results = await Promise.all(Array.from({ length: 50 }, () => reserve.takeAll([bucket('together', 100_000, 200_000)])));
    expect(results.every(([r]) => r?.allowed)).toBe(true);
    expect(calls.reserve).toHaveLength(1);
  });

  it('goes to Redis for every request when a reservation would be one token (the default limits)', async () => {
    now = T0;
    const { limiter, calls } = counted();
    const reserve = createTokenReserve(limiter, { now: () => now });
    for (let i = 0; i < 5; i++) await reserve.takeAll([bucket('default-key', 100, 200), bucket('default-project', 200, 400)]);
    expect(calls.takeAll).toBe(5);
    expect(calls.reserve).toHaveLength(0);
  });

  it('drops tokens held longer than a second, and reports what the bucket refilled meanwhile', async () => {
    now = T0;
    const { limiter, calls } = counted();
    const reserve = createTokenReserve(limiter, { now: () => now });
    const limit = bucket('ageing', 1_000, 100_000);
    // half the bucket spent elsewhere, so that what it refills shows
    await createRateLimiter(redis, prefix, () => now).takeAll([limit], 50_000);
    // a reservation of 10: 49,990 left in Redis, 9 held here after this request
    expect((await reserve.takeAll([limit]))[0]).toMatchObject({ allowed: true, remaining: 49_999, resetMs: 50_010 });
    now = T0 + 5;
    // 5 ms at 1,000 a second refilled 5; 8 are still held after this request
    expect((await reserve.takeAll([limit]))[0]).toMatchObject({ allowed: true, remaining: 49_990 + 5 + 8, resetMs: 50_005 });
    expect(calls.reserve).toHaveLength(1);
    now = T0 + RESERVE_MAX_AGE_MS;
    await reserve.takeAll([limit]);
    expect(calls.reserve).toHaveLength(2);
  });

  it('never lets two processes together through more than the bucket holds, and refuses from Redis once it is empty', async () => {
    now = T0;
    const a = createTokenReserve(counted(redis).limiter, { now: () => now });
    const b = createTokenReserve(counted(other).limiter, { now: () => now });
    // 200 a second, bursts of 400: reservations of 2; the clock stands still, so nothing refills
    const limit = [bucket('shared', 200, 400)];
    const results = await Promise.all(Array.from({ length: 600 }, (_, i) => (i % 2 ? a : b).takeAll(limit)));
    const allowed = results.filter(([r]) => r?.allowed).length;
    expect(allowed).toBeLessThanOrEqual(400);
    // at most one reservation's token left unused in each process
    expect(allowed).toBeGreaterThanOrEqual(400 - 2);
    const refused = results.find(([r]) => !r?.allowed)?.[0];
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfterMs: 5 });
  });
});
