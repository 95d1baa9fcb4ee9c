import { DelayedError, type Job } from 'bullmq';

export interface DeliveryResult {
  /** The earliest time a deferred recipient of this job is due again; null when all are final. */
  retryAt: Date | null;
}

/**
 * The only place a delivery job tells BullMQ what to do: complete when every recipient is final, or
 * move itself (same id, same data) to the delayed set until the next retry.
 */
export async function settleJob(job: Job, token: string | undefined, result: DeliveryResult): Promise<void> {
  if (!result.retryAt) return;
  await job.moveToDelayed(result.retryAt.getTime(), token);
  throw new DelayedError();
}
