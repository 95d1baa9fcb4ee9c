import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { countThrottledDestinations, createRedisDestinationLimits, type DestinationLimits, type LimitSettings } from './destination-limits.ts';

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

  it('divides a destination’s connections among the workers delivering now, and gives a leaving worker’s share back', async () => {
    const prefix = uniquePrefix('share');
    const shared = { ...settings, maxConnections: 5, shareEveryMs: 100 };
    const [a, b, c] = [1, 2, 3].map(() => createRedisDestinationLimits(redis, prefix, shared)) as [DestinationLimits, DestinationLimits, DestinationLimits];
    expect(await a.connectionShare()).toBe(5); // alone
    expect(await b.connectionShare()).toBe(3); // two: 5 / 2, rounded up
    expect(await a.connectionShare()).toBe(5); // read at most every 100 ms
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await a.connectionShare()).toBe(3);
    expect(await c.connectionShare()).toBe(2); // three
    await Promise.all([b.leave(), c.leave()]);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await a.connectionShare()).toBe(5);
    await a.leave();
  });

  it('counts a running worker that has not delivered once it says it runs (heartbeat), until it leaves', async () => {
    const prefix = uniquePrefix('share');
    const shared = { ...settings, maxConnections: 5, shareEveryMs: 100 };
    const [a, b] = [1, 2].map(() => createRedisDestinationLimits(redis, prefix, shared)) as [DestinationLimits, DestinationLimits];
    expect(await a.connectionShare()).toBe(5); // alone: b has neither delivered nor said it runs
    await b.heartbeat();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await a.connectionShare()).toBe(3);
    await b.leave();
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await a.connectionShare()).toBe(5);
    await a.leave();
  });

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

  it('keeps a slot that is renewed past its lease time, and frees one whose holder stopped renewing once the lease time has passed', async () => {
    const prefix = uniquePrefix('limits');
    let t = 1_700_000_000_000;
    const one = createRedisDestinationLimits(redis, prefix, { ...settings, maxConnections: 1, leaseMs: 30_000 }, () => t);
    const two = createRedisDestinationLimits(redis, prefix, { ...settings, maxConnections: 1, leaseMs: 30_000 }, () => t);
    const lease = (await one.acquireSlot('mx.held.test')) as string;
    expect(lease).not.toBeNull();
    t += 20_000;
    expect(await one.renewSlots([{ destination: 'mx.held.test', lease }])).toEqual([]);
    t += 20_000; // 40 s after it was taken, 20 s after its renewal
    expect(await two.acquireSlot('mx.held.test')).toBeNull();
    t += 10_001; // the holder stopped renewing 30 s ago
    expect(await two.acquireSlot('mx.held.test')).not.toBeNull();
    // the lapsed lease is not brought back: the slot is the other worker's now
    expect(await one.renewSlots([{ destination: 'mx.held.test', lease }])).toEqual([{ destination: 'mx.held.test', lease }]);
    expect(await redis.zcard(`${prefix}:dest:slots:mx.held.test`)).toBe(1);
  });

  it('renews every slot a worker holds, at every destination, in one call, and never brings back a released one', async () => {
    const prefix = uniquePrefix('limits');
    const worker = counted(redis);
    const limits = createRedisDestinationLimits(worker.redis, prefix, settings);
    const held = await Promise.all(
      ['mx1.many.test', 'mx1.many.test', 'mx2.many.test'].map(async (destination) => ({ destination, lease: (await limits.acquireSlot(destination)) as string })),
    );
    const released = held[0] as { destination: string; lease: string };
    await limits.releaseSlot(released.destination, released.lease);
    const before = worker.calls.length;
    expect(await limits.renewSlots(held)).toEqual([released]);
    expect(worker.calls.length - before).toBe(1);
    expect(await redis.zcard(`${prefix}:dest:slots:mx1.many.test`)).toBe(1);
    expect(await redis.pttl(`${prefix}:dest:slots:mx2.many.test`)).toBeGreaterThan(settings.leaseMs - 1_000);
  });

  it('counts the destinations backed off now, across workers, each once, until their backoff ends (herald_destinations_throttled)', async () => {
    const prefix = uniquePrefix('throttled');
    let now = Date.now();
    const clock = () => now;
    const [one, two] = [createRedisDestinationLimits(redis, prefix, settings, clock), createRedisDestinationLimits(redis, prefix, settings, clock)];
    const count = countThrottledDestinations(redis, prefix, clock);
    expect(await count()).toBe(0);
    await one.throttled('mx1.slow.test');
    await two.throttled('MX1.slow.test');
    await two.throttled('mx2.slow.test');
    expect(await count()).toBe(2);
    // the first backoff is 1 minute, the repeated one 2 minutes
    now += 90_000;
    expect(await count()).toBe(1);
    now += 60_000;
    expect(await count()).toBe(0);
    // ended backoffs are dropped from the set at the next throttle: it stays as small as what is throttled
    await one.throttled('mx3.slow.test');
    expect(await redis.zcard(`${prefix}:dest:throttled`)).toBe(1);
    await redis.del(...(await redis.keys(`${prefix}:*`)));
  });
});
