import { Queue } from 'bullmq';
import { withTimeout } from '../with-timeout.ts';
import { connectRedis, queueKeyPrefix, type RedisClient } from './redis-connection.ts';

/**
 * Queue names; every key in Redis is under the configured prefix (HERALD_QUEUE_PREFIX). `delivery`
 * holds one job per (message, recipient domain) — retries, scheduled messages, what the sweeper puts
 * back; `delivery-batches` holds the deliveries that intake committed together, one job for up to
 * BATCH_SIZE of them, so that a busy Herald pays the queue's cost per batch rather than per message.
 */
export const QUEUE_NAMES = { delivery: 'delivery', batches: 'delivery-batches' } as const;

/** One (message, recipient domain): the worker runs one SMTP transaction for it. */
export interface DeliveryJob {
  messageId: string;
  domain: string;
}

/** Deliveries committed together, due now, sent by one job. */
export interface DeliveryBatch {
  deliveries: DeliveryJob[];
}

/** The most deliveries one batch job carries. */
export const BATCH_SIZE = 50;

/**
 * A delivery to enqueue: due after `delayMs`; with `batch`, it travels in the batch job of that id
 * together with the other deliveries of the same batch (intake decides, and records the id with the
 * recipients so that the sweeper can tell whether the batch is still alive).
 */
export interface EnqueuedDelivery {
  data: DeliveryJob;
  delayMs: number;
  batch?: string | undefined;
}

/**
 * Deterministic: enqueueing the same (message, domain) twice while the first job exists adds nothing.
 * BullMQ refuses ':' in custom ids; message ids and domains never contain one.
 */
export function deliveryJobId(job: DeliveryJob): string {
  return `${job.messageId}.${job.domain}`;
}

/**
 * The shared connection of a process (BullMQ's, and the workers' own keys): one Redis, a Cluster or
 * a Sentinel-followed master, as REDIS_URL says (redis-connection.ts). BullMQ needs
 * maxRetriesPerRequest null on connections that block (workers).
 */
export function createRedis(redisUrl: string, options: { lazy?: boolean } = {}): RedisClient {
  return connectRedis(redisUrl, { maxRetriesPerRequest: null, lazyConnect: options.lazy ?? false });
}

export type DeliveryQueue = Queue<DeliveryJob, unknown, string>;
export type BatchQueue = Queue<DeliveryBatch, unknown, string>;

export interface DeliveryQueues {
  single: DeliveryQueue;
  batches: BatchQueue;
  close(): Promise<void>;
}

const JOB_RETENTION = {
  // keep finished jobs briefly for inspection, bounded so Redis memory stays flat
  removeOnComplete: { age: 3600, count: 10_000 },
  removeOnFail: { age: 7 * 86_400 },
};

/**
 * Both delivery queues on one connection: the API, the SMTP listener and the workers each make one.
 * On a cluster their keys take the prefix as a hash tag (queueKeyPrefix).
 */
export function createDeliveryQueues(connection: RedisClient, configuredPrefix: string): DeliveryQueues {
  const prefix = queueKeyPrefix(connection, configuredPrefix);
  const single = new Queue<DeliveryJob, unknown, string>(QUEUE_NAMES.delivery, { connection, prefix, defaultJobOptions: JOB_RETENTION });
  const batches = new Queue<DeliveryBatch, unknown, string>(QUEUE_NAMES.batches, { connection, prefix, defaultJobOptions: JOB_RETENTION });
  return {
    single,
    batches,
    async close() {
      await Promise.all([single.close(), batches.close()]);
    },
  };
}

/**
 * Adds delivery jobs: the deliveries of each batch as one batch job (its id the batch's), the others
 * one job each. Gives up after `timeoutMs` instead of waiting for Redis to come back, so that an API
 * request never hangs on an unreachable Redis: the messages are already committed in Postgres.
 */
export async function enqueueDeliveries(queues: DeliveryQueues, jobs: EnqueuedDelivery[], options: { timeoutMs?: number } = {}): Promise<void> {
  if (jobs.length === 0) return;
  const batches = new Map<string, DeliveryJob[]>();
  const single: EnqueuedDelivery[] = [];
  for (const job of jobs) {
    if (job.batch === undefined) single.push(job);
    else {
      const batch = batches.get(job.batch) ?? [];
      batch.push(job.data);
      batches.set(job.batch, batch);
    }
  }
  const adding = Promise.all([
    addJobs(
      single.map(({ data, delayMs }) => ({ name: 'deliver', data, opts: { jobId: deliveryJobId(data), delay: Math.max(0, delayMs) } })),
      (job) => queues.single.add(job.name, job.data, job.opts),
      (jobs) => queues.single.addBulk(jobs),
    ),
    addJobs(
      [...batches].map(([id, deliveries]) => ({ name: 'deliver-batch', data: { deliveries }, opts: { jobId: id } })),
      (job) => queues.batches.add(job.name, job.data, job.opts),
      (jobs) => queues.batches.addBulk(jobs),
    ),
  ]);
  await withTimeout(adding, options.timeoutMs ?? 2_000, 'Redis (enqueue)');
}

/**
 * One job with `add`, several with `addBulk` (one MULTI transaction for all). A commit group mostly
 * enqueues one batch job, and `addBulk` of one job costs about twice the CPU of `add` (335–370 against
 * 156 µs a call in a loop): the API's CPU per single request at 50 connections, the two alternated
 * every 4 s in one warm process, 18 pairs, was about 20 µs lower with `add` (2026-12-05).
 */
async function addJobs<J>(jobs: J[], add: (job: J) => Promise<unknown>, addBulk: (jobs: J[]) => Promise<unknown>): Promise<void> {
  const [only] = jobs;
  if (jobs.length === 1 && only) await add(only);
  else if (jobs.length > 1) await addBulk(jobs);
}
