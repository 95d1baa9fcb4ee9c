import type { RedisClient } from '../queue/redis-connection.ts';
import { withTimeout } from '../with-timeout.ts';

/**
 * What the scrape-time gauges read, registered by the processes that have it. Each is read when
 * Prometheus scrapes (a gauge's collect callback), never on a timer, and never by scanning: a queue's
 * job counts, a pool's counters, a readiness check, one Redis CONFIG GET, one ZCOUNT.
 */
export interface QueueSource {
  name: string;
  getJobCounts(...states: ('waiting' | 'active' | 'delayed' | 'failed')[]): Promise<Record<string, number>>;
}

/** node-postgres' pool counters (pg.Pool). */
export interface PoolSource {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
  ended?: boolean;
  options?: { max?: number };
}

/** Which server a pool connects to: the primary (DATABASE_URL) or the read replica (DATABASE_READ_URL). */
export type PoolRole = 'primary' | 'replica';

export const sources = {
  queues: new Set<QueueSource>(),
  pools: new Map<PoolSource, PoolRole>(),
  readiness: null as null | (() => Promise<{ checks: Record<string, string> }>),
  redisPolicy: null as null | Pick<RedisClient, 'config'>,
  throttled: null as null | (() => Promise<number>),
  deliveries: null as null | (() => WorkerDeliveries),
};

/** A worker's deliveries now: those running (each in one of its HERALD_WORKER_CONCURRENCY slots), those waiting for a slot, and the bytes of large messages they hold. */
export interface WorkerDeliveries {
  running: number;
  waiting: number;
  largeContentBytes: number;
}

/** Counts of each BullMQ queue, read with getJobCounts at scrape time. Returns a function that stops watching. */
export function watchQueues(queues: QueueSource[]): () => void {
  for (const queue of queues) sources.queues.add(queue);
  return () => {
    for (const queue of queues) sources.queues.delete(queue);
  };
}

/** A Postgres pool's connections in use, idle and waited for, labelled with its role (openPool registers every pool). */
export function watchPool(pool: PoolSource, role: PoolRole = 'primary'): void {
  sources.pools.set(pool, role);
}

/** The process's readiness checks, run at scrape time (each bounded), as herald_dependency_up. */
export function watchDependencies(run: () => Promise<{ checks: Record<string, string> }>): void {
  sources.readiness = run;
}

/** Redis' maxmemory-policy, read at scrape time (BullMQ needs noeviction). */
export function watchRedisPolicy(redis: Pick<RedisClient, 'config'>): void {
  sources.redisPolicy = redis;
}

/** How many destinations every worker leaves alone now, after "slow down" replies. */
export function watchThrottledDestinations(count: () => Promise<number>): void {
  sources.throttled = count;
}

/** This worker's deliveries, running and waiting for a slot, and the large messages' bytes they hold (read from memory at scrape time). */
export function watchDeliveries(read: () => WorkerDeliveries): void {
  sources.deliveries = read;
}

/** What a scrape waits for any one source at most: a stalled Redis must not stall the scrape. */
export const SOURCE_TIMEOUT_MS = 1_000;

export async function readSource<T>(read: () => Promise<T>, what: string): Promise<T | null> {
  try {
    return await withTimeout(read(), SOURCE_TIMEOUT_MS, what);
  } catch {
    return null;
  }
}

/** The maxmemory-policy values Redis knows; anything else (or no answer) is reported as `unreadable`. */
export const REDIS_POLICIES = new Set([
  'noeviction',
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
]);
