import { deliveryJobId, type DeliveryJob, type EnqueuedDelivery } from '@herald/core';
import { retryWhenDatabaseDown } from '../retry/database-down.ts';
import type { DeliveryDeps } from './attempt.ts';
import { deliverMessage } from './deliver-message.ts';
import type { DeliverySlots } from './delivery-slots.ts';
import { loadJobs } from './steps/load.ts';

/**
 * The deliveries intake committed together, from one batch job: their messages loaded in one query,
 * then each delivery's pipeline run in a slot of its own (so a slow server holds up only its own
 * delivery), their sending marks and outcomes written together by the group writers. Answers the
 * deliveries to come back later — deferred recipients at their next retry, deliveries postponed, one
 * that met an unreachable Postgres — as jobs of their own. Any other failure of one delivery is logged
 * and left to the sweeper, which finds the recipients still pending once the batch job is gone.
 */
export async function deliverBatch(deps: DeliveryDeps, slots: DeliverySlots, deliveries: DeliveryJob[]): Promise<EnqueuedDelivery[]> {
  const loaded = await loadJobs(deps.db, deliveries);
  const later: EnqueuedDelivery[] = [];
  const comeBack = (job: DeliveryJob, at: Date) => later.push({ data: job, delayMs: Math.max(0, at.getTime() - Date.now()) });
  await Promise.all(
    deliveries.map((job) =>
      slots.run(async () => {
        try {
          const { retryAt } = await deliverMessage(deps, job, loaded);
          if (retryAt) comeBack(job, retryAt);
        } catch (err) {
          const retryAt = retryWhenDatabaseDown(err, deps.log, { jobId: deliveryJobId(job) });
          if (retryAt) comeBack(job, retryAt);
          else deps.log.error({ err, jobId: deliveryJobId(job) }, 'delivery failed; the sweeper will enqueue it again');
        }
      }),
    ),
  );
  return later;
}
