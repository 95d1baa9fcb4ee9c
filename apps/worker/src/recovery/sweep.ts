import type { JobState } from 'bullmq';
import { deliveryJobId, enqueueDeliveries, type Db, type DeliveryJob, type DeliveryQueues, type Log } from '@herald/core';

export interface SweepDeps {
  db: Db;
  queues: DeliveryQueues;
  clock: () => Date;
  log: Log;
}

export interface SweepOptions {
  /** Only recipients due at least this long ago are looked at: a job in a healthy queue takes them first. */
  graceMs: number;
  /** (message, domain) pairs read from Postgres per query. */
  batchSize?: number;
}

export interface SweepResult {
  /** Pairs whose job was looked up in Redis. */
  checked: number;
  /** Pairs that had no live job and were enqueued again. */
  enqueued: DeliveryJob[];
}

/**
 * A job in one of these states will run (again) by itself. Typed with BullMQ's JobState, so that a state
 * BullMQ does not report fails the type check (a paused queue's jobs are 'waiting', never 'paused').
 */
const LIVE_STATES: ReadonlySet<string> = new Set<JobState>(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children']);

/**
 * Finds the (message, recipient domain) pairs Postgres says still need an attempt — a recipient queued
 * or deferred, due more than `graceMs` ago, and not in an SMTP transaction that may still be running —
 * whose delivery job — its own, or the batch job its first attempt was enqueued in — is not alive in Redis: lost (a Redis flush or restart without persistence, an
 * enqueue that failed after the commit) or failed (an error, or BullMQ gave up on it after it stalled
 * too often). Each gets its job again, under the same deterministic id, so that several workers
 * sweeping at once add it only once.
 */
export async function sweepOrphans(deps: SweepDeps, options: SweepOptions): Promise<SweepResult> {
  const now = deps.clock();
  const dueBefore = new Date(now.getTime() - options.graceMs);
  const batchSize = options.batchSize ?? 500;
  const result: SweepResult = { checked: 0, enqueued: [] };
  let after = { messageId: '', domain: '' };
  for (;;) {
    const pairs = await deps.db.$queryRaw<(DeliveryJob & { batches: string[] | null })[]>`
      SELECT r.message_id AS "messageId", r.domain, array_agg(DISTINCT r.batch_job_id) FILTER (WHERE r.batch_job_id IS NOT NULL) AS batches
      FROM recipients r JOIN messages m ON m.id = r.message_id
      WHERE r.status IN ('queued', 'deferred')
        AND coalesce(r.next_attempt_at, m.send_at, m.created_at) < ${dueBefore}
        AND (r.sending_until IS NULL OR r.sending_until < ${now})
        AND (r.message_id, r.domain) > (${after.messageId}, ${after.domain})
      GROUP BY r.message_id, r.domain
      ORDER BY r.message_id, r.domain
      LIMIT ${batchSize}`;
    for (const { messageId, domain, batches } of pairs) {
      result.checked++;
      const job = { messageId, domain };
      if (await revive(deps, job, batches ?? [])) result.enqueued.push(job);
    }
    if (pairs.length < batchSize) break;
    const last = pairs[pairs.length - 1] as DeliveryJob;
    after = { messageId: last.messageId, domain: last.domain };
  }
  if (result.enqueued.length > 0) deps.log.warn({ enqueued: result.enqueued.length, checked: result.checked }, 'sweeper re-enqueued deliveries that had no job');
  return result;
}

/** Enqueues the pair's job unless a live one exists, its own or a batch's; true when it did. */
async function revive(deps: SweepDeps, job: DeliveryJob, batches: string[]): Promise<boolean> {
  for (const batch of batches) if (LIVE_STATES.has(await deps.queues.batches.getJobState(batch))) return false;
  const id = deliveryJobId(job);
  const state = await deps.queues.single.getJobState(id);
  if (LIVE_STATES.has(state)) return false;
  if (state === 'completed' || state === 'failed') {
    const previous = await deps.queues.single.getJob(id);
    if (state === 'failed') deps.log.warn({ jobId: id, reason: previous?.failedReason }, 'delivery job had failed; enqueueing it again');
    try {
      await previous?.remove();
    } catch (err) {
      // another worker's sweep got there first and its job is running: nothing to do
      deps.log.debug({ jobId: id, err: (err as Error).message }, 'finished job could not be removed');
      return false;
    }
  }
  await enqueueDeliveries(deps.queues, [{ data: job, delayMs: 0 }]);
  return true;
}
