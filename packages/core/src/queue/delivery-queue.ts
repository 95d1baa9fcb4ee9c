import { Queue } from 'bullmq';
import { withTimeout } from '../with-timeout.ts';
import { Redis } from 'ioredis';

/** Queue names; every key in Redis is under the configured prefix (HERALD_QUEUE_PREFIX). */
export const QUEUE_NAMES = { delivery: 'delivery' } as const;

/** One delivery job per (message, recipient domain): the worker runs one SMTP transaction for it. */
export interface DeliveryJob {
  messageId: string;
  domain: string;
}

/**
 * Deterministic: enqueueing the same (message, domain) twice while the first job exists adds nothing.
 * BullMQ refuses ':' in custom ids; message ids and domains never contain one.
 */
export function deliveryJobId(job: DeliveryJob): string {
  return `${job.messageId}.${job.domain}`;
}

/** BullMQ needs maxRetriesPerRequest null on connections that block (workers). */
export function createRedis(redisUrl: string, options: { lazy?: boolean } = {}): Redis {
  return new Redis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: options.lazy ?? false });
}

export type DeliveryQueue = Queue<DeliveryJob, unknown, string>;

export function createDeliveryQueue(connection: Redis, prefix: string): DeliveryQueue {
  return new Queue<DeliveryJob, unknown, string>(QUEUE_NAMES.delivery, {
    connection,
    prefix,
    defaultJobOptions: {
      // keep finished jobs briefly for inspection, bounded so Redis memory stays flat
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 86_400 },
    },
  });
}

/**
 * Adds delivery jobs. Gives up after `timeoutMs` instead of waiting for Redis to come back, so that an
 * API request never hangs on an unreachable Redis: the message is already committed in Postgres.
 */
export async function enqueueDeliveries(
  queue: DeliveryQueue,
  jobs: { data: DeliveryJob; delayMs?: number }[],
  options: { timeoutMs?: number } = {},
): Promise<void> {
  if (jobs.length === 0) return;
  const adding = queue.addBulk(
    jobs.map(({ data, delayMs }) => ({ name: 'deliver', data, opts: { jobId: deliveryJobId(data), delay: Math.max(0, delayMs ?? 0) } })),
  );
  await withTimeout(adding, options.timeoutMs ?? 2_000, 'Redis (enqueue)');
}
