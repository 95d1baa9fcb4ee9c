import { DelayedError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { isDatabaseUnavailable, QUEUE_NAMES, type DeliveryJob } from '@herald/core';
import { deliverMessage, type DeliveryDeps } from './delivery/deliver-message.ts';
import { settleJob } from './retry/job-result.ts';

/** How long a job waits when Postgres could not be reached before it is tried again. */
export const DATABASE_DOWN_RETRY_MS = 5_000;

export interface DeliveryWorkerOptions {
  connection: Redis;
  prefix: string;
  concurrency: number;
  /** How long a job stays locked to a worker that stopped renewing the lock (a dead process). */
  lockMs: number;
}

/**
 * A BullMQ worker running the delivery pipeline for each (message, domain) job. A job that met an
 * unreachable Postgres is put back for a few seconds instead of failing; a job that failed for any
 * other reason is left for the sweeper, which enqueues it again while its recipients are not final.
 */
export function createDeliveryWorker(deps: DeliveryDeps, options: DeliveryWorkerOptions): Worker<DeliveryJob> {
  return new Worker<DeliveryJob>(
    QUEUE_NAMES.delivery,
    async (job, token) => {
      let result;
      try {
        result = await deliverMessage(deps, job.data);
      } catch (err) {
        if (!isDatabaseUnavailable(err)) throw err;
        deps.log.warn({ jobId: job.id, err: (err as Error).message }, 'Postgres unavailable; delivery job postponed');
        await job.moveToDelayed(Date.now() + DATABASE_DOWN_RETRY_MS, token);
        throw new DelayedError();
      }
      await settleJob(job, token, result);
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency,
      lockDuration: options.lockMs,
      stalledInterval: options.lockMs,
    },
  );
}
