import { deliveryJobId, isDatabaseUnavailable, type DeliveryJob, type EnqueuedDelivery } from '@herald/core';
import type { DeliveryDeps } from './attempt.ts';
import { deliverMessage } from './deliver-message.ts';
import type { DeliverySlots } from './delivery-slots.ts';
import { loadJobs } from './steps/load.ts';

/** How long a delivery that met an unreachable Postgres waits before it is tried again. */
export const DATABASE_DOWN_RETRY_MS = 5_000;

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
  await Promise.all(
    deliveries.map((job) =>
      slots.run(async () => {
        try {
          const { retryAt } = await deliverMessage(deps, job, loaded);
          if (retryAt) later.push({ data: job, delayMs: Math.max(0, retryAt.getTime() - Date.now()) });
        } catch (err) {
          if (isDatabaseUnavailable(err)) {
            deps.log.warn({ jobId: deliveryJobId(job), err: (err as Error).message }, 'Postgres unavailable; delivery postponed');
            later.push({ data: job, delayMs: DATABASE_DOWN_RETRY_MS });
          } else {
            deps.log.error({ err, jobId: deliveryJobId(job) }, 'delivery failed; the sweeper will enqueue it again');
          }
        }
      }),
    ),
  );
  return later;
}
