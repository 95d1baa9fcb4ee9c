import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { createDailyQuota, QUOTA_KEY_MARGIN_MS, type DailyQuota } from './daily-quota.ts';

describe('the daily sending quota', () => {
  const prefix = uniquePrefix('daily-quota');
  let redis: Redis;
  let other: Redis;
  let now = Date.parse('2026-03-01T12:00:00.000Z');
  let quota: DailyQuota;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    other = new Redis(TEST_REDIS_URL);
    quota = createDailyQuota(redis, prefix, () => now);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await Promise.all([redis.quit(), other.quit()]);
  });

  it('reserves recipients up to the limit and reports the day’s usage and when it resets', async () => {
    now = Date.parse('2026-03-01T12:00:00.000Z');
    expect(await quota.reserve('p-fill', 4, 10)).toEqual({
      ok: true,
      used: 4,
      limit: 10,
      resetsAt: new Date('2026-03-02T00:00:00.000Z'),
      day: '2026-03-01',
    });
    expect(await quota.reserve('p-fill', 6, 10)).toMatchObject({ ok: true, used: 10 });
    expect(await redis.get(`${prefix}:quota:p-fill:2026-03-01`)).toBe('10');
  });

  it('refuses a reservation that would pass the limit and counts none of it', async () => {
    now = Date.parse('2026-03-01T12:00:00.000Z');
    await quota.reserve('p-over', 8, 10);
    expect(await quota.reserve('p-over', 3, 10)).toMatchObject({ ok: false, used: 8, limit: 10 });
    expect(await redis.get(`${prefix}:quota:p-over:2026-03-01`)).toBe('8');
    // what still fits is still accepted
    expect(await quota.reserve('p-over', 2, 10)).toMatchObject({ ok: true, used: 10 });
    expect(await quota.reserve('p-over', 1, 10)).toMatchObject({ ok: false, used: 10 });
  });

  it('gives a released reservation back, never going below zero', async () => {
    now = Date.parse('2026-03-01T12:00:00.000Z');
    await quota.reserve('p-release', 5, 5);
    expect((await quota.reserve('p-release', 1, 5)).ok).toBe(false);
    await quota.release('p-release', 5);
    expect(await quota.reserve('p-release', 5, 5)).toMatchObject({ ok: true, used: 5 });

    await quota.release('p-release', 50);
    expect(await redis.get(`${prefix}:quota:p-release:2026-03-01`)).toBe('0');
    // releasing what was never reserved creates nothing
    await quota.release('p-never', 3);
    expect(await redis.exists(`${prefix}:quota:p-never:2026-03-01`)).toBe(0);
  });

  it('starts every UTC day from zero, and gives a release back to the day it was reserved in', async () => {
    now = Date.parse('2026-03-01T23:59:59.900Z');
    const late = await quota.reserve('p-midnight', 10, 10);
    expect(late).toMatchObject({ ok: true, day: '2026-03-01' });
    expect((await quota.reserve('p-midnight', 1, 10)).ok).toBe(false);

    now = Date.parse('2026-03-02T00:00:00.000Z');
    expect(await quota.reserve('p-midnight', 7, 10)).toEqual({
      ok: true,
      used: 7,
      limit: 10,
      resetsAt: new Date('2026-03-03T00:00:00.000Z'),
      day: '2026-03-02',
    });
    await quota.release('p-midnight', 10, late.day);
    expect(await redis.get(`${prefix}:quota:p-midnight:2026-03-01`)).toBe('0');
    expect(await redis.get(`${prefix}:quota:p-midnight:2026-03-02`)).toBe('7');
  });

  it('lets a day’s key expire once the day is over, plus a margin for clock skew', async () => {
    now = Date.parse('2026-03-01T23:00:00.000Z');
    await quota.reserve('p-ttl', 1, 10);
    const ttl = await redis.pttl(`${prefix}:quota:p-ttl:2026-03-01`);
    expect(ttl).toBeGreaterThan(3_600_000 + QUOTA_KEY_MARGIN_MS - 5_000);
    expect(ttl).toBeLessThanOrEqual(3_600_000 + QUOTA_KEY_MARGIN_MS);
  });

  it('never counts past the limit when many reservations race on two connections', async () => {
    now = Date.parse('2026-03-01T12:00:00.000Z');
    const second = createDailyQuota(other, prefix, () => now);
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => (i % 2 ? quota : second).reserve('p-race', 1, 25)));
    expect(results.filter((r) => r.ok)).toHaveLength(25);
    expect(await redis.get(`${prefix}:quota:p-race:2026-03-01`)).toBe('25');
  });

  it('treats a limit of 0 or less as unlimited and does not ask Redis at all', async () => {
    const untouchable = new Proxy({} as Redis, {
      get(_, property) {
        throw new Error(`Redis was used (${String(property)})`);
      },
    });
    const unlimited = createDailyQuota(untouchable, prefix, () => Date.parse('2026-03-01T12:00:00.000Z'));
    expect(await unlimited.reserve('p-free', 1_000_000, 0)).toMatchObject({ ok: true, limit: 0, day: '2026-03-01' });
    expect((await unlimited.reserve('p-free', 5, -1)).ok).toBe(true);
  });

  it('refuses a count that is not a non-negative integer', async () => {
    await expect(quota.reserve('p-bad', -1, 10)).rejects.toThrow(RangeError);
    await expect(quota.reserve('p-bad', 1.5, 10)).rejects.toThrow(RangeError);
  });
});
