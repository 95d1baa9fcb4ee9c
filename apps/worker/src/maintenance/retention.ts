import { dropExpiredPartitions, ID_PREFIXES, listPartitions, PARTITIONED_TABLES, pgPool, sqlPool, type Db, type KeepRows, type Log } from '@herald/core';

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
 * The content of a partition about to be dropped that must stay: that of messages still scheduled or
 * with a recipient queued or deferred (found by their status, few), moved to the default partition.
 * A message's recipients carry its time, so the partition's id range, with the recipients' prefix,
 * holds them too.
 */
const keepUnsentContent: KeepRows = async (client, partition, range) => {
  const as = (prefix: string, bound: string | null) => (bound === null ? `${prefix}_` : `${prefix}_${bound.slice(bound.indexOf('_') + 1)}`);
  const { rowCount } = await client.query(
    `INSERT INTO message_contents SELECT c.* FROM ${partition} c WHERE c.id IN (
       SELECT r.message_id FROM recipients r WHERE r.status IN ('queued', 'deferred') AND r.id >= $1 AND r.id < $2
       UNION SELECT m.id FROM messages m WHERE m.status = 'scheduled' AND m.id >= $3 AND m.id < $4)`,
    [as(ID_PREFIXES.recipient, range.from), as(ID_PREFIXES.recipient, range.to), as(ID_PREFIXES.message, range.from), as(ID_PREFIXES.message, range.to)],
  );
  return rowCount ?? 0;
};

/** The webhook deliveries of a partition about to be dropped that are still pending, moved to the default partition. */
const keepPending: KeepRows = async (client, partition) =>
  (await client.query(`INSERT INTO webhook_deliveries SELECT * FROM ${partition} WHERE status = 'pending'`)).rowCount ?? 0;

const KEEP: Record<string, KeepRows | undefined> = { message_contents: keepUnsentContent, webhook_deliveries: keepPending };

/**
 * One batch of content past retention ($1) deleted from one partition ($3) that is not dropped whole
 * (the default partition, and the legacy one of an upgraded database): at most $2 rows, of messages
 * whose every recipient is final, picked in id order (their time) from the partition's own key.
 */
const RAW_PURGE_SQL = (partition: string) => `
  DELETE FROM ${partition} WHERE id IN (
    SELECT c.id FROM ${partition} c JOIN messages m ON m.id = c.id
    WHERE m.created_at < $1 AND m.status <> 'scheduled'
      AND NOT EXISTS (SELECT 1 FROM recipients r WHERE r.message_id = m.id AND r.status IN ('queued', 'deferred'))
    ORDER BY c.id LIMIT $2 FOR UPDATE OF c SKIP LOCKED)`;

export interface RetentionResult {
  /** Partitions dropped whole (content by day, events and webhook deliveries by week). */
  partitionsDropped: string[];
  /** Rows of dropped partitions that had to stay (content not yet sent, webhooks pending), moved to the default partition. */
  rowsKept: number;
  /** Rows deleted one by one from the default and legacy partitions. */
  rawPurged: number;
  /** Received notifications (feedback_reports) whose raw text was removed, kept as long as messages' content. */
  reportsPurged: number;
  eventsDeleted: number;
  webhookDeliveriesDeleted: number;
}

/**
 * Removes what is past its retention. The partitioned tables lose whole intervals: a partition whose
 * whole interval is past its setting is dropped (packages/core/src/partitions, docs/partitioning.md),
 * after the rows that must stay were moved to the default partition. What lies in the default
 * partition and in the legacy one (the table as it was before partitioning) is deleted in small
 * batches, each its own short statement over rows skipped when another transaction holds them. The
 * raw text of received notifications (bounces, complaints) is kept as long as messages' content; their
 * rows, and the events that name them, stay (a deleted message takes its reports with it).
 */
export async function applyRetention(deps: RetentionDeps): Promise<RetentionResult> {
  const now = deps.clock();
  const rawBefore = new Date(now.getTime() - deps.rawRetentionMs);
  const eventsBefore = new Date(now.getTime() - deps.eventRetentionMs);
  const before = { raw: rawBefore, events: eventsBefore };
  const n = deps.batchSize ?? 1_000;
  const { db } = deps;
  const sql = sqlPool(db);
  const affected = async (text: string, values: unknown[]) => (await sql.query(text, values)).rowCount ?? 0;

  const result: RetentionResult = { partitionsDropped: [], rowsKept: 0, rawPurged: 0, reportsPurged: 0, eventsDeleted: 0, webhookDeliveriesDeleted: 0 };
  const client = await pgPool(db).connect();
  try {
    for (const spec of PARTITIONED_TABLES) {
      if (!spec.retention) continue;
      const dropped = await dropExpiredPartitions(client, spec, before[spec.retention], KEEP[spec.table]);
      result.partitionsDropped.push(...dropped.dropped);
      result.rowsKept += Object.values(dropped.kept).reduce((a, b) => a + b, 0);
      if (dropped.deferred.length) deps.log.warn({ table: spec.table, deferred: dropped.deferred }, 'partition not dropped: its table was busy; the next run tries again');
    }
  } finally {
    client.release();
  }

  for (const partition of await rowByRowPartitions(db, 'message_contents')) {
    result.rawPurged += await inBatches(deps, () => affected(RAW_PURGE_SQL(partition), [rawBefore, n]));
  }
  result.reportsPurged = await inBatches(deps, () =>
    affected(
      `UPDATE feedback_reports SET raw = NULL
       WHERE id IN (
         SELECT id FROM feedback_reports WHERE created_at < $1 AND raw IS NOT NULL
         ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
      [rawBefore, n],
    ),
  );
  for (const partition of await rowByRowPartitions(db, 'events')) {
    // in id order (the primary key; events have no index of their time alone): an event's id holds its
    // message's time, so the oldest come first, and a late one (a bounce weeks on) waits for its own time
    result.eventsDeleted += await inBatches(deps, () =>
      affected(
        `DELETE FROM ${partition} WHERE id IN (
           SELECT id FROM ${partition} WHERE created_at < $1 ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [eventsBefore, n],
      ),
    );
  }
  for (const partition of await rowByRowPartitions(db, 'webhook_deliveries')) {
    result.webhookDeliveriesDeleted += await inBatches(deps, () =>
      affected(
        `DELETE FROM ${partition} WHERE id IN (
           SELECT id FROM ${partition} WHERE created_at < $1 AND status <> 'pending'
           ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED)`,
        [eventsBefore, n],
      ),
    );
  }
  const { partitionsDropped, ...counts } = result;
  if (partitionsDropped.length || Object.values(counts).some((c) => c > 0)) deps.log.info({ ...result }, 'retention applied');
  return result;
}

/** The partitions of a table whose rows retention deletes one by one: the default one, and the legacy one while it is there. */
async function rowByRowPartitions(db: Db, table: string): Promise<string[]> {
  const client = await pgPool(db).connect();
  try {
    return (await listPartitions(client, table)).filter((p) => p.isDefault || p.from === null).map((p) => `"${p.name}"`);
  } finally {
    client.release();
  }
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
