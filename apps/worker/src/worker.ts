import { Worker, type Job } from 'bullmq';
import { BATCH_SIZE, QUEUE_NAMES, queueKeyPrefix, type RedisClient, type DeliveryBatch, type DeliveryJob, type EnqueuedDelivery } from '@herald/core';
import { deliverBatch } from './delivery/deliver-batch.ts';
import { deliverMessage, type DeliveryDeps } from './delivery/deliver-message.ts';
import { DeliverySlots } from './delivery/delivery-slots.ts';
import { retryWhenDatabaseDown } from './retry/database-down.ts';
import { settleJob, type DeliveryResult } from './retry/job-result.ts';

export interface DeliveryWorkerOptions {
  connection: RedisClient;
  prefix: string;
  /** Deliveries run at once by this process, from single and batch jobs together. */
  concurrency: number;
  /** How long a job stays locked to a worker that stopped renewing the lock (a dead process). */
  lockMs: number;
  /** Adds the jobs a batch hands back (retries, postponed deliveries): enqueueDeliveries in production. */
  enqueue: (jobs: EnqueuedDelivery[]) => Promise<void>;
}

export interface DeliveryWorkers {
  single: Worker<DeliveryJob>;
  batches: Worker<DeliveryBatch>;
  /** The process's delivery slots, shared by both (herald_worker_deliveries reads them). */
  slots: DeliverySlots;
  /** Stops taking jobs and waits for the running ones (both kinds). */
  close(): Promise<void>;
}

/**
 * The BullMQ workers running the delivery pipeline: one for (message, domain) jobs, one for batch jobs
 * (a batch is fetched only when this process can nearly start it, so that one process does not hoard
 * batches other workers could send). Both share the process's delivery slots. A job that met an
 * unreachable Postgres is put back for a few seconds instead of failing; a job that failed for any
 * other reason is left for the sweeper, which enqueues it again while its recipients are not final.
 */
export function createDeliveryWorkers(deps: DeliveryDeps, options: DeliveryWorkerOptions): DeliveryWorkers {
  const slots = new DeliverySlots(options.concurrency);
  const common = { connection: options.connection, prefix: queueKeyPrefix(options.connection, options.prefix), lockDuration: options.lockMs, stalledInterval: options.lockMs };

  const single = new Worker<DeliveryJob>(
    QUEUE_NAMES.delivery,
    async (job, token) => {
      const result = await slots.run(() => deliverMessage(deps, job.data)).catch((err: unknown) => postponedWhileDatabaseDown(deps, job, err));
      await settleJob(job, token, result);
    },
    { ...common, concurrency: options.concurrency },
  );

  const batches = new Worker<DeliveryBatch>(
    QUEUE_NAMES.batches,
    async (job, token) => {
      // only the batch's load runs outside a delivery (whose own failures deliverBatch handles)
      let later: EnqueuedDelivery[];
      try {
        later = await deliverBatch(deps, slots, job.data.deliveries);
      } catch (err) {
        return settleJob(job, token, postponedWhileDatabaseDown(deps, job, err));
      }
      if (later.length === 0) return;
      await options.enqueue(later).catch((err: unknown) =>
        deps.log.error({ err, jobId: job.id, deliveries: later.length }, 'retries of a batch not enqueued; the sweeper will enqueue them'),
      );
    },
    { ...common, concurrency: Math.ceil(options.concurrency / BATCH_SIZE) + 1 },
  );

  return {
    single,
    batches,
    slots,
    async close() {
      await Promise.all([single.close(), batches.close()]);
    },
  };
}

/** A job that met an unreachable Postgres goes back for a few seconds instead of failing; any other error is BullMQ's to fail. */
function postponedWhileDatabaseDown(deps: DeliveryDeps, job: Job, err: unknown): DeliveryResult {
  const retryAt = retryWhenDatabaseDown(err, deps.log, { jobId: job.id });
  if (!retryAt) throw err;
  return { retryAt };
}
