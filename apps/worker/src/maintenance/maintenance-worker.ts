import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { recheckDomains, type RecheckDeps } from './recheck-domains.ts';

export const MAINTENANCE_QUEUE = 'maintenance';
/** How often the maintenance tick runs; what it does decides for itself what is due. */
export const MAINTENANCE_EVERY_MS = 5 * 60_000;

/**
 * Periodic work shared by all workers: BullMQ's job scheduler makes one tick per interval across the
 * whole deployment, whichever worker takes it.
 */
export async function startMaintenance(deps: RecheckDeps, options: { connection: Redis; prefix: string; everyMs?: number }) {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: options.connection, prefix: options.prefix });
  await queue.upsertJobScheduler('domain-recheck', { every: options.everyMs ?? MAINTENANCE_EVERY_MS }, {
    name: 'domain-recheck',
    opts: { removeOnComplete: 100, removeOnFail: 100 },
  });
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name === 'domain-recheck') return recheckDomains(deps);
      return null;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  return {
    worker,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
