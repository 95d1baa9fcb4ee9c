import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { recheckDomains, type RecheckDeps } from './recheck-domains.ts';
import { applyRetention, type RetentionDeps } from './retention.ts';

export const MAINTENANCE_QUEUE = 'maintenance';
/** How often the maintenance tick runs; what it does decides for itself what is due. */
export const MAINTENANCE_EVERY_MS = 5 * 60_000;

/** The periodic jobs: each a BullMQ job scheduler of its own name. */
const SCHEDULES = ['domain-recheck', 'retention'] as const;

export interface MaintenanceDeps {
  recheck: RecheckDeps;
  retention: RetentionDeps;
}

/**
 * Periodic work shared by all workers: BullMQ's job schedulers make one tick per interval across the
 * whole deployment, whichever worker takes it. `ensureScheduled` puts the schedules back after a Redis
 * flush (the sweeper calls it).
 */
export async function startMaintenance(deps: MaintenanceDeps, options: { connection: Redis; prefix: string; everyMs?: number }) {
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: options.connection, prefix: options.prefix });
  const schedule = async (onlyMissing: boolean) => {
    for (const name of SCHEDULES) {
      if (onlyMissing && (await queue.getJobScheduler(name))) continue;
      await queue.upsertJobScheduler(name, { every: options.everyMs ?? MAINTENANCE_EVERY_MS }, {
        name,
        opts: { removeOnComplete: 100, removeOnFail: 100 },
      });
    }
  };
  await schedule(false);
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name === 'domain-recheck') return recheckDomains(deps.recheck);
      if (job.name === 'retention') return applyRetention(deps.retention);
      return null;
    },
    { connection: options.connection, prefix: options.prefix, concurrency: 1 },
  );
  return {
    worker,
    ensureScheduled: () => schedule(true),
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
