import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  connectRedis,
  createDeliveryQueues,
  createLogger,
  createRedis,
  isCluster,
  queueKeyPrefix,
  type DeliveryQueues,
  type RedisClient,
} from '@herald/core';
import { createDailyQuota } from '@herald/core/limits/daily-quota';
import { createEventWindow } from '@herald/core/limits/event-window';
import { createLeaseSets } from '@herald/core/limits/lease-set';
import { createRateLimiter, RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { createQueueOverview } from '../../apps/api/src/dashboard/queue-overview.ts';
import { createSessionStore } from '../../apps/api/src/dashboard/session/session-store.ts';
import { countThrottledDestinations, createRedisDestinationLimits } from '../../apps/worker/src/smtp/destination-limits.ts';
import { listenForFreedSlots } from '../../apps/worker/src/smtp/freed-slots.ts';
import { uniquePrefix } from '../support/env.ts';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Each of Herald's Redis key families, used as Herald uses it, on a real Redis Cluster of three
 * masters: no script, pipeline or MGET may touch keys of two slots (Redis answers CROSSSLOT), and the
 * keys of independent things (destinations, projects) spread over the masters.
 */
describe('Herald\'s Redis keys on a Redis Cluster', () => {
  let cluster: TestRedisCluster;
  let shared: RedisClient;
  let limits: RedisClient;
  const prefix = uniquePrefix('ckeys');
  const log = createLogger('test-cluster-keys', 'silent');

  /** The port of the master holding `key`. */
  const masterOfKey = async (key: string) => cluster.masterOf(Number((await cluster.cli('CLUSTER', 'KEYSLOT', key)).trim()));

  beforeAll(async () => {
    cluster = await startRedisCluster();
    shared = createRedis(cluster.url);
    limits = connectRedis(cluster.url, { ...RATE_LIMIT_REDIS_OPTIONS, enableAutoPipelining: true });
  }, 60_000);

  afterAll(async () => {
    shared?.disconnect();
    limits?.disconnect();
    await cluster?.stop();
  });

  it('connects to a cluster from a redis+cluster:// URL, and BullMQ\'s keys take the prefix as a hash tag', async () => {
    expect(isCluster(shared)).toBe(true);
    expect(queueKeyPrefix(shared, prefix)).toBe(`{${prefix}}`);
    expect(queueKeyPrefix(shared, '{mine}')).toBe('{mine}');
    const queues: DeliveryQueues = createDeliveryQueues(shared, prefix);
    try {
      await queues.single.add('deliver', { messageId: 'msg_1', domain: 'a.test' }, { jobId: 'msg_1.a.test', delay: 60_000 });
      await queues.batches.add('deliver-batch', { deliveries: [{ messageId: 'msg_2', domain: 'b.test' }] }, { jobId: 'bat_1' });
      expect(await queues.single.getJobCounts('delayed')).toEqual({ delayed: 1 });
      expect(await queues.batches.getJobCounts('waiting')).toEqual({ waiting: 1 });
      const keys = await Promise.all(cluster.nodes.map(async (n) => (await cluster.cli('-p', String(n.port), 'KEYS', `*${prefix}*`)).trim()));
      // every key of both queues on the master serving the tag's slot (and its replica), nowhere else
      const holding = cluster.nodes.filter((_, i) => keys[i] !== '').map((n) => n.port);
      expect(holding).toContain(await masterOfKey(`{${prefix}}`));
      expect(holding.length).toBeLessThanOrEqual(2);
    } finally {
      await queues.close();
    }
  });

  it('a plain prefix, as on one Redis, fails on a cluster: the reason for the hash tag', async () => {
    const plain = new Queue('delivery', { connection: shared, prefix: `${prefix}-plain` });
    try {
      await expect(plain.add('deliver', {}, { delay: 1_000 })).rejects.toThrow(/CROSSSLOT/);
    } finally {
      await plain.close();
    }
  });

  it('rate limits: a key\'s and its project\'s buckets share the project\'s slot; all or nothing is charged', async () => {
    const limiter = createRateLimiter(limits, `${prefix}:rate`);
    const project = '{prj_cluster}';
    const buckets = [
      { key: `${project}:key:k1`, limit: { perSecond: 1, burst: 2 } },
      { key: `${project}:project`, limit: { perSecond: 1, burst: 3 } },
    ];
    expect((await limiter.takeAll(buckets)).map((r) => r.allowed)).toEqual([true, true]);
    expect((await limiter.takeAll(buckets)).map((r) => r.allowed)).toEqual([true, true]);
    // the key's bucket is empty: refused, and the project's last token is not spent
    expect((await limiter.takeAll(buckets)).map((r) => r.allowed)).toEqual([false, true]);
    expect((await limiter.peek(`${project}:project`, { perSecond: 1, burst: 3 })).remaining).toBe(1);
    // buckets of two projects are in different slots: a take across them is refused by Redis
    await expect(limiter.takeAll([buckets[0]!, { key: '{prj_other}:project', limit: { perSecond: 1, burst: 1 } }])).rejects.toThrow(/CROSSSLOT|same slot/);
  });

  it('daily quotas and sliding windows (one key per script) count as on one Redis', async () => {
    const quota = createDailyQuota(limits, prefix);
    expect((await quota.reserve('prj_a', 3, 4)).ok).toBe(true);
    expect((await quota.reserve('prj_a', 2, 4)).ok).toBe(false);
    await quota.release('prj_a', 3);
    expect((await quota.reserve('prj_a', 4, 4)).ok).toBe(true);
    const window = createEventWindow(limits, { windowMs: 60_000 });
    await window.record(`${prefix}:fail:1.2.3.4`);
    expect(await window.record(`${prefix}:fail:1.2.3.4`)).toBe(2);
    expect(await window.count(`${prefix}:fail:1.2.3.4`)).toBe(2);
  });

  it('lease sets (SMTP sessions): renewing the leases of many sets at once, spread over the masters', async () => {
    const leases = createLeaseSets(limits, { leaseMs: 5_000 });
    const keys = Array.from({ length: 12 }, (_, i) => `${prefix}:smtp:ip:10.0.0.${i}`);
    for (const key of keys) expect(await leases.acquire(key, 'session-1', 1)).toBe(true);
    expect(new Set(await Promise.all(keys.map(masterOfKey))).size).toBeGreaterThan(1);
    expect(await leases.acquire(keys[0]!, 'session-2', 1)).toBe(false);
    const before = await shared.pttl(keys[5]!);
    await new Promise((resolve) => setTimeout(resolve, 50));
    await leases.renew(new Map(keys.map((key) => [key, ['session-1']])));
    expect(await shared.pttl(keys[5]!)).toBeGreaterThan(before);
    await leases.release(keys[0]!, 'session-1');
    expect(await leases.acquire(keys[0]!, 'session-2', 1)).toBe(true);
  });

  it('destination limits: slots of many destinations renewed together, throttling, backoff and the dashboard\'s list', async () => {
    const destinations = Array.from({ length: 10 }, (_, i) => `mx${i}.cluster.test`);
    const settings = { maxConnections: 1, leaseMs: 5_000, backoffBaseMs: 60_000, backoffMaxMs: 600_000, stateTtlMs: 0 };
    const one = createRedisDestinationLimits(shared, prefix, settings);
    const other = createRedisDestinationLimits(shared, prefix, settings);
    const held = [];
    for (const destination of destinations) {
      const lease = await one.acquireSlot(destination);
      expect(lease).not.toBeNull();
      held.push({ destination, lease: lease as string });
      // the limit holds for every other worker
      expect(await other.acquireSlot(destination)).toBeNull();
    }
    expect(await one.renewSlots(held)).toEqual([]);
    await one.releaseSlot(held[3]!.destination, held[3]!.lease);
    expect(await one.renewSlots(held)).toEqual([held[3]]);

    // throttled: the level, the backoff and the set of throttled destinations are in three slots
    const until = await one.throttled('mx1.cluster.test');
    expect(until).toBeGreaterThan(Date.now() + 50_000);
    expect(await other.backedOffUntil('mx1.cluster.test')).toBe(until);
    const again = await other.throttled('mx1.cluster.test');
    expect(again - Date.now()).toBeGreaterThan(110_000); // the level doubled the backoff
    await one.throttled('mx2.cluster.test');
    expect(await countThrottledDestinations(shared, prefix)()).toBe(2);

    const queues = createDeliveryQueues(shared, prefix);
    try {
      const overview = createQueueOverview(queues, shared, prefix);
      const listed = await overview.throttled();
      expect(listed.map((d) => d.destination).sort()).toEqual(['mx1.cluster.test', 'mx2.cluster.test']);
      expect(listed.find((d) => d.destination === 'mx1.cluster.test')?.level).toBe(2);
      expect((await overview.counts()).map((c) => c.name).sort()).toEqual(['delivery', 'delivery-batches']);
    } finally {
      await queues.close();
    }
    await other.recovered('mx1.cluster.test');
    expect(await shared.exists(`${prefix}:dest:throttle-level:mx1.cluster.test`)).toBe(0);
    expect(await one.connectionShare()).toBe(1);
  });

  it('a freed slot is announced to the workers subscribed on any node', async () => {
    const limitsOf = createRedisDestinationLimits(shared, prefix, { maxConnections: 1, leaseMs: 5_000, backoffBaseMs: 1_000, backoffMaxMs: 2_000 });
    const heard: string[] = [];
    const stop = listenForFreedSlots(shared, prefix, (destination) => heard.push(destination), log);
    try {
      // the subscription is made in the background: announce until it is heard
      const destinations = Array.from({ length: 6 }, (_, i) => `freed${i}.cluster.test`);
      await waitFor(
        'a freed slot to be heard',
        async () => {
          for (const destination of destinations) {
            const lease = await limitsOf.acquireSlot(destination);
            if (lease) await limitsOf.releaseSlot(destination, lease);
          }
          return destinations.every((d) => heard.includes(d));
        },
        10_000,
        100,
      );
    } finally {
      await stop();
    }
  });

  it('dashboard sessions', async () => {
    const sessions = createSessionStore(shared, prefix, 60_000);
    const { id } = await sessions.create({ kind: 'admin', tokenHash: 'x', projectId: null });
    expect((await sessions.get(id))?.principal).toEqual({ kind: 'admin', tokenHash: 'x', projectId: null });
    await sessions.destroy(id);
    expect(await sessions.get(id)).toBeNull();
  });
});
