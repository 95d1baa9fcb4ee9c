import type { Db, Log } from '@herald/core';

export interface RetentionDeps {
  db: Db;
  clock: () => Date;
  log: Log;
  /** Raw content older than this is deleted once every recipient is final. */
  rawRetentionMs: number;
  /** Events, and finished webhook deliveries, older than this are deleted. */
  eventRetentionMs: number;
  /** Rows per statement: each batch locks only its own rows, briefly. */
  batchSize?: number;
  /** Batches per table per run, so that one run stays short; the next run goes on. */
  maxBatches?: number;
  /** Pause between batches, leaving room to other writers. */
  pauseMs?: number;
}

/**
 * One batch of raw content past retention ($2) deleted: at most $3 rows of message_contents, whose
 * messages are marked raw_purged_at ($1) in the same statement (the message row, its recipients and
 * its summary stay). Only messages whose every recipient is final lose their content. Messages are
 * picked in creation order (the index on created_at, each content found by its key); the statement's
 * count is the number of messages purged.
 */
export const RAW_PURGE_SQL = `
  WITH picked AS (
    SELECT m.id FROM messages m JOIN message_contents c ON c.id = m.id
    WHERE m.created_at < $2 AND m.status <> 'scheduled'
      AND NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND r.status IN ('queued', 'deferred'))
    ORDER BY m.created_at LIMIT $3 FOR UPDATE OF m, c SKIP LOCKED),
  deleted AS (DELETE FROM message_contents c USING picked WHERE c.id = picked.id RETURNING c.id)
  UPDATE messages SET raw_purged_at = $1 WHERE id IN (SELECT id FROM deleted)`;

export interface RetentionResult {
  rawPurged: number;
  /** Received notifications (feedback_reports) whose raw text was removed, kept as long as messages' content. */
  reportsPurged: number;
  eventsDeleted: number;
  webhookDeliveriesDeleted: number;
}

/**
 * Deletes what is past its retention, in small batches (each its own short statement, rows picked in
 * creation order and skipped when another transaction holds them), so neither table is ever locked.
 * Raw content goes first (it is most of the bytes; see RAW_PURGE_SQL). The raw text of received
 * notifications (bounces, complaints) is kept as long as messages' content; their rows, and the
 * events that name them, stay (a deleted message takes its reports with it).
 */
export async function applyRetention(deps: RetentionDeps): Promise<RetentionResult> {
  const now = deps.clock();
  const rawBefore = new Date(now.getTime() - deps.rawRetentionMs);
  const eventsBefore = new Date(now.getTime() - deps.eventRetentionMs);
  const n = deps.batchSize ?? 1_000;
  const { db } = deps;

  const result: RetentionResult = {
    rawPurged: await inBatches(deps, () => db.$executeRawUnsafe(RAW_PURGE_SQL, now, rawBefore, n)),
    reportsPurged: await inBatches(deps, () => db.$executeRaw`
      UPDATE feedback_reports SET raw = NULL
      WHERE id IN (
        SELECT id FROM feedback_reports WHERE created_at < ${rawBefore} AND raw IS NOT NULL
        ORDER BY created_at LIMIT ${n} FOR UPDATE SKIP LOCKED)`),
    eventsDeleted: await inBatches(deps, () => db.$executeRaw`
      DELETE FROM events WHERE id IN (
        SELECT id FROM events WHERE created_at < ${eventsBefore} ORDER BY created_at LIMIT ${n} FOR UPDATE SKIP LOCKED)`),
    webhookDeliveriesDeleted: await inBatches(deps, () => db.$executeRaw`
      DELETE FROM webhook_deliveries WHERE id IN (
        SELECT id FROM webhook_deliveries
        WHERE created_at < ${eventsBefore} AND status <> 'pending'
        ORDER BY created_at LIMIT ${n} FOR UPDATE SKIP LOCKED)`),
  };
  if (result.rawPurged || result.reportsPurged || result.eventsDeleted || result.webhookDeliveriesDeleted) deps.log.info({ ...result }, 'retention applied');
  return result;
}

/** Runs the batch until it affects fewer rows than a full batch (or the run's cap); the rows affected. */
async function inBatches(deps: RetentionDeps, batch: () => Promise<number>): Promise<number> {
  const size = deps.batchSize ?? 1_000;
  let total = 0;
  for (let i = 0; i < (deps.maxBatches ?? 100); i++) {
    const affected = await batch();
    total += affected;
    if (affected < size) break;
    await new Promise((resolve) => setTimeout(resolve, deps.pauseMs ?? 50));
  }
  return total;
}
