import { queueKeyPrefix, type RedisClient } from '@herald/core';
import { Queue, Worker } from 'bullmq';
import { makePartitionsAhead, type PartitionsAheadDeps } from './partitions-ahead.ts';
import { recheckDomains, recheckEveryMs, type RecheckDeps } from './recheck-domains.ts';
import { applyRetention, type RetentionDeps } from './retention.ts';

export const MAINTENANCE_QUEUE = 'maintenance';
/** How often retention runs; it decides for itself what is due. */
export const RETENTION_EVERY_MS = 5 * 60_000;
/** How often the partitions of the coming intervals are checked for (made days to months ahead). */
export const PARTITIONS_EVERY_MS = 60 * 60_000;

export interface MaintenanceDeps {
  recheck: RecheckDeps;
  retention: RetentionDeps;
  partitions: PartitionsAheadDeps;
}

/**
 * The periodic jobs, each a BullMQ job scheduler of its own name: the domain re-check every 5 minutes,
 * or every HERALD_DOMAIN_RECHECK_INTERVAL when that is shorter; retention every 5 minutes; the
 * partitions ahead every hour. With
 * `onlyMissing`, a schedule that exists is left as it is.
 */
export async function scheduleMaintenance(queue: Queue, recheckMs: number, options: { onlyMissing?: boolean } = {}): Promise<void> {
  const schedules = { 'domain-recheck': recheckEveryMs(recheckMs), retention: RETENTION_EVERY_MS, partitions: PARTITIONS_EVERY_MS };
  for (const [name, every] of Object.entries(schedules)) {
    if (options.onlyMissing && (await queue.getJobScheduler(name))) continue;
    await queue.upsertJobScheduler(name, { every }, { name, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  }
}

/**
 * Periodic work shared by all workers: BullMQ's job schedulers make one tick per interval across the
 * whole deployment, whichever worker takes it. `ensureScheduled` puts the schedules back after a Redis
 * flush (the sweeper calls it).
 */
export async function startMaintenance(deps: MaintenanceDeps, options: { connection: RedisClient; prefix: string }) {
  const prefix = queueKeyPrefix(options.connection, options.prefix);
  const queue = new Queue(MAINTENANCE_QUEUE, { connection: options.connection, prefix });
  await scheduleMaintenance(queue, deps.recheck.recheckMs);
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    async (job) => {
      if (job.name === 'domain-recheck') return recheckDomains(deps.recheck);
      if (job.name === 'retention') return applyRetention(deps.retention);
      if (job.name === 'partitions') return makePartitionsAhead(deps.partitions);
      return null;
    },
    { connection: options.connection, prefix, concurrency: 1 },
  );
  return {
    worker,
    ensureScheduled: () => scheduleMaintenance(queue, deps.recheck.recheckMs, { onlyMissing: true }),
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}
