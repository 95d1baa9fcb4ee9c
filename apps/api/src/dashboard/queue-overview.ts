import { destinationKey, destinationKeyPrefix, getMany, scanTargets, type DeliveryQueues, type RedisClient } from '@herald/core';
import type { QueueOverview } from './pages/queues.ts';

/** At most this many throttled destinations are listed (SCAN stops there). */
const MAX_THROTTLED = 100;

/**
 * The queues screen's reads: BullMQ's own job counts, and the destinations the workers are backing
 * off (the throttle level and backoff the worker's destination limits keep in Redis, under the keys
 * core's destination-keys.ts names; read here, never written).
 */
export function createQueueOverview(queues: DeliveryQueues, redis: RedisClient, prefix: string): QueueOverview {
  return {
    async counts() {
      return Promise.all(
        [queues.batches, queues.single].map(async (queue) => {
          const c = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'prioritized');
          return { name: queue.name, waiting: (c.waiting ?? 0) + (c.prioritized ?? 0), active: c.active ?? 0, delayed: c.delayed ?? 0, failed: c.failed ?? 0 };
        }),
      );
    },
    async throttled() {
      const levelPrefix = destinationKeyPrefix(prefix, 'throttle-level');
      const found: string[] = [];
      // each master of a cluster holds the keys of its own slots: walk them in turn
      for (const node of scanTargets(redis)) {
        let cursor = '0';
        do {
          const [next, keys] = await node.scan(cursor, 'MATCH', `${levelPrefix}*`, 'COUNT', 500);
          cursor = next;
          found.push(...keys);
        } while (cursor !== '0' && found.length < MAX_THROTTLED);
        if (found.length >= MAX_THROTTLED) break;
      }
      const destinations = found.slice(0, MAX_THROTTLED).map((k) => k.slice(levelPrefix.length));
      if (destinations.length === 0) return [];
      const levels = await getMany(redis, found.slice(0, MAX_THROTTLED));
      const backoffs = await getMany(redis, destinations.map((d) => destinationKey(prefix, 'backoff', d)));
      return destinations.map((destination, i) => ({
        destination,
        level: Number(levels[i] ?? 0),
        backoffUntil: backoffs[i] && Number(backoffs[i]) > Date.now() ? new Date(Number(backoffs[i])).toISOString() : null,
      }));
    },
  };
}
