import type { JobState } from 'bullmq';
import { deliveryJobId, enqueueDeliveries, ID_PREFIXES, idBound, sqlPool, type Db, type DeliveryJob, type DeliveryQueues, type Log } from '@herald/core';

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
 * One page of the sweep: up to $5 (message, domain) pairs with recipients still to be delivered, after
 * ($1, $2) in the order of recipients_pending_idx, of messages made before $6 (the id bound of the due
 * time: a recipient is due at its next attempt, its message's send_at or its acceptance, and none of
 * them comes before the message was made but a send_at given in the past, which is enqueued at once
 * like any message; so the messages of the last `graceMs`, most of what is pending in a busy system,
 * are not walked, and a lost job of theirs is found once they are older), each found as the next one
 * after the last (one index descent each, LIMIT 1: the plan whatever the statistics say, so a page
 * reads its own pairs and no more however large the backlog); then each pair's own recipients and
 * message by key (LATERAL: the planner cannot choose to read every pending recipient to join them),
 * each with whether it is due (a recipient due before $3 and not in an SMTP transaction that may still
 * be running at $4) and the batch jobs of its due recipients. `sweepPage` gives its parameters.
 */
const SWEEP_PAGE_SQL = `WITH RECURSIVE page (n, message_id, domain) AS (
    (SELECT 1, r.message_id, r.domain FROM recipients r
     WHERE r.status IN ('queued', 'deferred') AND (r.message_id, r.domain) > ($1, $2) AND r.message_id < $6
     ORDER BY r.message_id, r.domain LIMIT 1)
    UNION ALL
    SELECT p.n + 1, following.message_id, following.domain FROM page p CROSS JOIN LATERAL (
      SELECT r.message_id, r.domain FROM recipients r
      WHERE r.status IN ('queued', 'deferred') AND (r.message_id, r.domain) > (p.message_id, p.domain) AND r.message_id < $6
      ORDER BY r.message_id, r.domain LIMIT 1) AS following
    WHERE p.n < $5)
  SELECT p.message_id AS "messageId", p.domain, w.due, w.batches
  FROM page p CROSS JOIN LATERAL (
    SELECT bool_or(x.due) AS due, array_agg(DISTINCT x.batch_job_id) FILTER (WHERE x.due AND x.batch_job_id IS NOT NULL) AS batches
    FROM (SELECT r.batch_job_id, coalesce(r.next_attempt_at, m.send_at, m.created_at) < $3 AND (r.sending_until IS NULL OR r.sending_until < $4) AS due
          FROM messages m JOIN recipients r ON r.message_id = m.id
          WHERE m.id = p.message_id AND r.message_id = p.message_id AND r.domain = p.domain AND r.status IN ('queued', 'deferred')) AS x) AS w
  ORDER BY p.message_id, p.domain`;

export interface SweepPair extends DeliveryJob {
  /** A recipient of the pair is due and not being sent to. */
  due: boolean;
  /** The batch jobs of its due recipients' first attempts. */
  batches: string[] | null;
}

/** The page after `after` at `now`, as a query: the sweep runs it, and the tests and the scale bench explain and time it. */
export function sweepPage(after: DeliveryJob, now: Date, graceMs: number, size: number): { text: string; values: unknown[] } {
  const dueBefore = new Date(now.getTime() - graceMs);
  return { text: SWEEP_PAGE_SQL, values: [after.messageId, after.domain, dueBefore, now, size, idBound(ID_PREFIXES.message, dueBefore)] };
}

/** Where the first page starts. */
export const FIRST_PAGE: DeliveryJob = { messageId: '', domain: '' };

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
  const batchSize = options.batchSize ?? 500;
  const result: SweepResult = { checked: 0, enqueued: [] };
  let after = FIRST_PAGE;
  for (;;) {
    const { rows: pairs } = await sqlPool(deps.db).query<SweepPair>(sweepPage(after, now, options.graceMs, batchSize));
    for (const { messageId, domain, due, batches } of pairs) {
      if (!due) continue;
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
