import { deliveryJobId, enqueueDeliveries, type Db, type DeliveryJob, type DeliveryQueue, type Log } from '@herald/core';

export interface SweepDeps {
  db: Db;
  queue: DeliveryQueue;
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

/** A job in one of these states will run (again) by itself. */
const LIVE_STATES = new Set(['waiting', 'delayed', 'active', 'prioritized', 'waiting-children', 'paused']);

/**
 * Finds the (message, recipient domain) pairs Postgres says still need an attempt — a recipient queued
 * or deferred, due more than `graceMs` ago, and not in an SMTP transaction that may still be running —
 * whose delivery job is not alive in Redis: lost (a Redis flush or restart without persistence, an
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
    const pairs = await deps.db.$queryRaw<DeliveryJob[]>`
      SELECT r.message_id AS "messageId", r.domain
      FROM recipients r JOIN messages m ON m.id = r.message_id
      WHERE r.status IN ('queued', 'deferred')
        AND coalesce(r.next_attempt_at, m.send_at, m.created_at) < ${dueBefore}
        AND (r.sending_until IS NULL OR r.sending_until < ${now})
        AND (r.message_id, r.domain) > (${after.messageId}, ${after.domain})
      GROUP BY r.message_id, r.domain
      ORDER BY r.message_id, r.domain
      LIMIT ${batchSize}`;
    for (const job of pairs) {
      result.checked++;
      if (await revive(deps, job)) result.enqueued.push(job);
    }
    if (pairs.length < batchSize) break;
    after = pairs[pairs.length - 1] as DeliveryJob;
  }
  if (result.enqueued.length > 0) deps.log.warn({ enqueued: result.enqueued.length, checked: result.checked }, 'sweeper re-enqueued deliveries that had no job');
  return result;
}

/** Enqueues the pair's job unless a live one exists; true when it did. */
async function revive(deps: SweepDeps, job: DeliveryJob): Promise<boolean> {
  const id = deliveryJobId(job);
  const state = await deps.queue.getJobState(id);
  if (LIVE_STATES.has(state)) return false;
  if (state === 'completed' || state === 'failed') {
    const previous = await deps.queue.getJob(id);
    if (state === 'failed') deps.log.warn({ jobId: id, reason: previous?.failedReason }, 'delivery job had failed; enqueueing it again');
    try {
      await previous?.remove();
    } catch (err) {
      // another worker's sweep got there first and its job is running: nothing to do
      deps.log.debug({ jobId: id, err: (err as Error).message }, 'finished job could not be removed');
      return false;
    }
  }
  await enqueueDeliveries(deps.queue, [{ data: job }]);
  return true;
}
