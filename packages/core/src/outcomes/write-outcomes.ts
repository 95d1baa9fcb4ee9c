import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { retryWhileUnavailable } from '../db/retry-unavailable.ts';
import { BEGIN_GENERIC, inTransaction, insertFromJson, prepared, recordsetTypes } from '../db/sql.ts';
import { allColumns, columnsOf, EVENTS, FEEDBACK_REPORTS, MESSAGES, RECIPIENTS, SUPPRESSIONS, WEBHOOK_DELIVERIES, type RowOf } from '../db/tables.ts';
import type { RecipientStatus } from '../generated/prisma/enums.ts';
import { eventId } from '../ids.ts';
import type { Log } from '../logger.ts';
import { aggregateMessageStatus } from '../messages/message-status.ts';
import { rollupCtes, ROLLUP_EVENT_COLUMNS } from '../stats/rollup-sql.ts';
import { ACTIVE_ENDPOINT_SQL } from '../webhooks/queries.ts';
import { webhookDeliveries, webhookDeliveryRow, type EventForWebhook } from '../webhooks/fan-out.ts';

/**
 * How long a write of outcomes is retried while Postgres is unreachable. The remote server may already
 * have answered 250 (or a report has been received): giving up would mean sending (or losing) it again.
 */
export const RECORD_RETRY_MS = 5 * 60_000;

const RECIPIENT_CHANGE_COLUMNS = [
  'id', 'status', 'attempts', 'last_code', 'last_enhanced', 'last_reply', 'last_attempt_at', 'next_attempt_at', 'final_at',
] as const;
/**
 * A recipient's new status and last reply, applied only while its status is one of `from` (an attempt
 * changes a recipient still queued or deferred; a later bounce may also change a delivered one).
 * `attempts` and the `last_…` fields left null keep their values.
 */
export type RecipientChange = Omit<RowOf<typeof RECIPIENTS, (typeof RECIPIENT_CHANGE_COLUMNS)[number]>, 'attempts'> & {
  attempts: number | null;
  from: readonly RecipientStatus[];
};

const EVENT_COLUMNS = [
  'id', 'project_id', 'message_id', 'recipient_id', 'type', 'email', 'attempt', 'smtp_code', 'enhanced_code', 'smtp_reply', 'category',
  'mx_host', 'mx_ip', 'tls_version', 'tls_cipher', 'tls_verified', 'duration_ms', 'dedupe_key', 'data', 'created_at',
] as const;
export type NewEvent = RowOf<typeof EVENTS, (typeof EVENT_COLUMNS)[number]>;

const SUPPRESSION_COLUMNS = ['id', 'project_id', 'email', 'reason', 'source_message_id', 'created_at'] as const;
export type NewSuppression = RowOf<typeof SUPPRESSIONS, (typeof SUPPRESSION_COLUMNS)[number]>;

const REPORT_COLUMNS = ['id', 'project_id', 'message_id', 'kind', 'mail_from', 'rcpt_to', 'size', 'created_at'] as const;
/** A notification the inbound MX received, stored beside the outcomes it led to (its raw bytes travel apart). */
export type NewReport = RowOf<typeof FEEDBACK_REPORTS, (typeof REPORT_COLUMNS)[number]> & { raw: Buffer };

/**
 * What one attempt, or one received report, changes: recipients, events (each with a dedupe key, so a
 * write run twice adds nothing), suppressions, and the report itself. `message` is what the events'
 * webhooks carry; its summary status is brought up to date.
 */
export interface OutcomeWrite {
  message: { id: string; projectId: string; tags: string[]; metadata: unknown };
  recipients: RecipientChange[];
  events: NewEvent[];
  suppressions: NewSuppression[];
  report?: NewReport;
}

/** The group writer a Store owns (one per process): writes arriving while another is under way go in its transaction. */
export type OutcomeWriter = GroupWriter<OutcomeWrite>;

/**
 * Writes made while another is under way are written together, in one transaction (group commit);
 * while Postgres is unreachable the write is retried (up to RECORD_RETRY_MS); a deadlock with another
 * writer (two jobs of one message) is retried.
 */
export function createOutcomeWriter(db: Db, log?: Log, retryMs: number = RECORD_RETRY_MS): OutcomeWriter {
  return createGroupWriter((writes) =>
    retryWhileUnavailable(() => retryOnDeadlock(() => writeAll(db, writes)), { maxMs: retryMs, log, what: `outcomes of ${writes.length} write(s)` }),
    { name: 'outcomes' },
  );
}

const CHANGE = [...columnsOf(RECIPIENTS, RECIPIENT_CHANGE_COLUMNS), ['from', 'text[]'] as const];
const EVENT = columnsOf(EVENTS, EVENT_COLUMNS);
const SUPPRESSION = columnsOf(SUPPRESSIONS, SUPPRESSION_COLUMNS);
const REPORT = columnsOf(FEEDBACK_REPORTS, REPORT_COLUMNS);

/**
 * Reports inserted (their raw bytes in one binary parameter), recipients changed (only from the
 * statuses each change allows), events and suppressions inserted (a re-run's duplicates skipped);
 * answers the ids of the events inserted, every recipient status of the messages as they are now, and
 * the projects' webhook endpoints. Rows to change are named by an array of ids as well as by the JSON
 * rows ($8 here, $3 in SUMMARY_SQL): the planner then finds them by primary key whatever the tables'
 * statistics say, where a join to the JSON rows alone (estimated at 100) was planned as a scan of the
 * whole table once the cached plan was made while the table was small.
 */
const RECORD_SQL = `WITH f AS (
  INSERT INTO ${FEEDBACK_REPORTS.name} (${REPORT.map(([n]) => `"${n}"`).join(', ')}, raw)
  SELECT ${REPORT.map(([n]) => `x."${n}"`).join(', ')}, substring($6::bytea FROM x.raw_offset + 1 FOR x.size)
  FROM jsonb_to_recordset($5::jsonb) AS x(${recordsetTypes(REPORT)}, raw_offset int)),
u AS (
  UPDATE recipients r SET status = x.status, attempts = coalesce(x.attempts, r.attempts), last_code = coalesce(x.last_code, r.last_code),
    last_enhanced = coalesce(x.last_enhanced, r.last_enhanced), last_reply = coalesce(x.last_reply, r.last_reply),
    last_attempt_at = coalesce(x.last_attempt_at, r.last_attempt_at), next_attempt_at = x.next_attempt_at,
    sending_until = NULL, final_at = x.final_at, updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetTypes(CHANGE)})
  WHERE r.id = ANY($8::text[]) AND r.id = x.id AND r.status::text = ANY(x."from")
  RETURNING r.id, r.message_id, r.status),
e AS (${insertFromJson(EVENTS.name, EVENT, '$2')} ON CONFLICT DO NOTHING RETURNING id, ${ROLLUP_EVENT_COLUMNS}),
s AS (${insertFromJson(SUPPRESSIONS.name, SUPPRESSION, '$3')} ON CONFLICT DO NOTHING)${rollupCtes('e', MESSAGES.name)}
SELECT (SELECT coalesce(json_agg(id), '[]') FROM e) AS inserted,
  (SELECT coalesce(json_agg(json_build_object('message_id', t.message_id, 'status', t.status)), '[]') FROM (
     SELECT message_id, status::text FROM recipients WHERE message_id = ANY($4) AND id NOT IN (SELECT id FROM u)
     UNION ALL SELECT message_id, status::text FROM u) AS t) AS statuses,
  (SELECT coalesce(json_agg(json_build_object('id', w.id, 'project_id', w.project_id, 'events', coalesce(w.events, '{}'))), '[]')
     FROM webhook_endpoints w WHERE w.project_id = ANY($7) AND ${ACTIVE_ENDPOINT_SQL('w')}) AS endpoints`;

/**
 * Messages' summary statuses, and the webhook deliveries of the events inserted. A message whose
 * status does not change (a retry still deferred, a message still sending to its other domains) is
 * left as it is: every update of a message row is written to all of its nine indexes (its status is
 * in three of them), so updated_at says when the status last changed.
 */
const SUMMARY_SQL = `WITH m AS (
  UPDATE messages m SET status = x.status::"MessageStatus", updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text)
  WHERE m.id = ANY($3::text[]) AND m.id = x.id AND m.status IS DISTINCT FROM x.status::"MessageStatus")
${insertFromJson(WEBHOOK_DELIVERIES.name, allColumns(WEBHOOK_DELIVERIES), '$2')} ON CONFLICT DO NOTHING`;

interface RecordResult {
  inserted: string[];
  statuses: { message_id: string; status: RecipientStatus }[];
  endpoints: { id: string; project_id: string; events: string[] }[];
}

/** Two statements in one transaction for one write or many: two round trips to Postgres (BEGIN goes out with the first statement, COMMIT with the second). */
async function writeAll(db: Db, writes: OutcomeWrite[]): Promise<void> {
  const messageIds = [...new Set(writes.map((w) => w.message.id))].sort();
  const reports = writes.flatMap((w) => (w.report ? [w.report] : []));
  let offset = 0;
  const reportRows = reports.map(({ raw, ...row }) => {
    const placed = { ...row, size: raw.length, raw_offset: offset };
    offset += raw.length;
    return placed;
  });
  await inTransaction(sqlPool(db), async (client, last) => {
    const { rows } = await client.query<RecordResult>(
      prepared('record-outcomes', RECORD_SQL, [
        JSON.stringify(writes.flatMap((w) => w.recipients)),
        JSON.stringify(writes.flatMap((w) => w.events)),
        JSON.stringify(writes.flatMap((w) => w.suppressions)),
        messageIds,
        JSON.stringify(reportRows),
        Buffer.concat(reports.map((r) => r.raw), offset),
        [...new Set(writes.map((w) => w.message.projectId))],
        writes.flatMap((w) => w.recipients.map((r) => r.id)),
      ]),
    );
    const { inserted, statuses, endpoints } = rows[0] as RecordResult;
    // only the events this write inserted (a re-run's duplicates are skipped) go out as webhooks
    const insertedIds = new Set(inserted);
    const deliveries = writes.flatMap(({ message, events }) =>
      webhookDeliveries(
        endpoints.filter((e) => e.project_id === message.projectId),
        message.projectId,
        events.filter((e) => insertedIds.has(e.id)).map(forWebhook),
        message,
      ),
    );
    const byMessage = new Map<string, RecipientStatus[]>();
    for (const row of statuses) byMessage.set(row.message_id, (byMessage.get(row.message_id) ?? []).concat(row.status));
    await last(
      prepared('record-summary', SUMMARY_SQL, [
        JSON.stringify(messageIds.map((id) => ({ id, status: aggregateMessageStatus(byMessage.get(id) ?? []) }))),
        JSON.stringify(deliveries.map(webhookDeliveryRow)),
        messageIds,
      ]),
    );
  }, BEGIN_GENERIC);
}

const DEADLOCK = new Set(['40P01', '40001']);

async function retryOnDeadlock<T>(write: () => Promise<T>): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await write();
    } catch (err) {
      if (tries >= 5 || !DEADLOCK.has((err as { code?: string }).code ?? '')) throw err;
      await new Promise((resolve) => setTimeout(resolve, 10 * tries));
    }
  }
}

/** An event row as the webhook fan-out reads it. */
const forWebhook = (e: NewEvent): EventForWebhook => ({
  id: e.id, type: e.type as EventForWebhook['type'], createdAt: e.created_at, messageId: e.message_id, email: e.email, attempt: e.attempt,
  smtpCode: e.smtp_code, enhancedCode: e.enhanced_code, smtpReply: e.smtp_reply, category: e.category, mxHost: e.mx_host, data: e.data,
});

/**
 * An event row with every column not given null, and its id (ids.ts eventId): in its message's time,
 * and the same for the same dedupe key, so the write run twice inserts it once, by primary key alone.
 */
export function eventRow(fields: Pick<NewEvent, 'project_id' | 'type' | 'created_at' | 'dedupe_key'> & Partial<Omit<NewEvent, 'id'>>): NewEvent {
  return {
    message_id: null, recipient_id: null, email: null, attempt: null, smtp_code: null, enhanced_code: null, smtp_reply: null, category: null,
    mx_host: null, mx_ip: null, tls_version: null, tls_cipher: null, tls_verified: null, duration_ms: null, data: null,
    ...fields,
    id: eventId({ messageId: fields.message_id ?? null, dedupeKey: fields.dedupe_key }, fields.created_at.getTime()),
  };
}
