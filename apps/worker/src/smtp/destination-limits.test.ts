import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '../../../../test/support/env.ts';
import { createRedisDestinationLimits, type LimitSettings } from './destination-limits.ts';

const settings: LimitSettings = { maxConnections: 5, leaseMs: 60_000, backoffBaseMs: 60_000, backoffMaxMs: 600_000, stateTtlMs: 200 };

/** The commands a worker's limits sent to Redis, by name. */
function counted(redis: Redis): { redis: Redis; calls: string[] } {
  const calls: string[] = [];
  const proxy = new Proxy(redis, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (typeof value !== 'function' || !['mget', 'del', 'eval', 'get'].includes(String(name))) return value;
      return (...args: unknown[]) => {
        calls.push(String(name));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { redis: proxy, calls };
}

describe('destination limits shared by workers', () => {
  const redis = new Redis(TEST_REDIS_URL);
  afterAll(() => redis.disconnect());

  it('reads a destination’s backoff from Redis at most once per interval, and resets nothing after deliveries when nobody throttled', async () => {
    const prefix = uniquePrefix('limits');
    const worker = counted(redis);
    const limits = createRedisDestinationLimits(worker.redis, prefix, settings);
    for (let i = 0; i < 20; i++) {
      expect(await limits.backedOffUntil('mx.calm.test')).toBeNull();
      await limits.recovered('mx.calm.test');
    }
    expect(worker.calls).toEqual(['mget']);
    await new Promise((resolve) => setTimeout(resolve, 250));
    await limits.backedOffUntil('mx.calm.test');
    expect(worker.calls).toEqual(['mget', 'mget']);
  });

  it('backs the destination off in another worker within the interval, and that worker clears the throttle level after a delivery', async () => {
    const prefix = uniquePrefix('limits');
    const one = createRedisDestinationLimits(redis, prefix, settings);
    const other = counted(redis);
    const two = createRedisDestinationLimits(other.redis, prefix, settings);
    expect(await two.backedOffUntil('mx.busy.test')).toBeNull();
    const until = await one.throttled('mx.busy.test');
    expect(await one.backedOffUntil('mx.busy.test')).toBe(until);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(await two.backedOffUntil('mx.busy.test')).toBe(until);
    await two.recovered('mx.busy.test');
    expect(other.calls).toContain('del');
    expect(await redis.exists(`${prefix}:dest:throttle-level:mx.busy.test`)).toBe(0);
  });
});
