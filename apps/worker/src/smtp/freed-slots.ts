import type { Cluster, Redis } from 'ioredis';
import { slotFreedChannel, type Log, type RedisClient } from '@herald/core';

/**
 * Hears every worker announce the connection slots it gives back (destination-limits.ts publishes on
 * slotFreedChannel when a lease is released) and passes each destination to `onFreed`: deliveries of
 * this worker waiting for that destination, while all of its connections are other workers', try
 * for the slot at once instead of coming back seconds later. Subscribing takes a connection of its
 * own (a subscribed Redis connection can do nothing else). A lost message costs only time: a waiting
 * delivery gives up after its wait and is postponed, as without this. Returns the function that
 * stops listening.
 */
export function listenForFreedSlots(redis: RedisClient, prefix: string, onFreed: (destination: string) => void, log: Log): () => Promise<void> {
  // a duplicate of a Cluster subscribes on one of its nodes: Redis Cluster forwards every PUBLISH to all nodes
  const subscriber: RedisClient = redis.isCluster ? (redis as Cluster).duplicate() : (redis as Redis).duplicate();
  subscriber.on('error', (err: Error) => log.warn({ err: err.message }, 'redis connection error (freed-slot announcements)'));
  const channel = slotFreedChannel(prefix);
  subscriber.on('message', (from: string, destination: string) => {
    if (from === channel) onFreed(destination);
  });
  // not awaited: a worker starting while Redis is away subscribes when it comes (ioredis subscribes
  // again after every reconnection)
  subscriber.subscribe(channel).catch((err: Error) => log.warn({ err: err.message }, 'could not subscribe to freed-slot announcements'));
  return async () => {
    await subscriber.quit().catch(() => subscriber.disconnect());
  };
}
