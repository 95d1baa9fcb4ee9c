import { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { QUEUE_NAMES, type DeliveryJob } from '@herald/core';
import { deliverMessage, type DeliveryDeps } from './delivery/deliver-message.ts';
import { settleJob } from './retry/job-result.ts';

/** A BullMQ worker running the delivery pipeline for each (message, domain) job. */
export function createDeliveryWorker(
  deps: DeliveryDeps,
  options: { connection: Redis; prefix: string; concurrency: number },
): Worker<DeliveryJob> {
  return new Worker<DeliveryJob>(
    QUEUE_NAMES.delivery,
    async (job, token) => {
      const result = await deliverMessage(deps, job.data);
      await settleJob(job, token, result);
    },
    { connection: options.connection, prefix: options.prefix, concurrency: options.concurrency },
  );
}
