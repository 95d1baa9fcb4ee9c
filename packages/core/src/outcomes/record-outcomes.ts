import type { Store } from '../db/store.ts';
import { sqlPool, type Db } from '../db/client.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import { retryWhileUnavailable } from '../db/retry-unavailable.ts';
import { inTransaction, insertFromJson, prepared, recordsetTypes } from '../db/sql.ts';
import { allColumns, columnsOf, EVENTS, RECIPIENTS, SUPPRESSIONS, WEBHOOK_DELIVERIES, type RowOf } from '../db/tables.ts';
import type { RecipientStatus } from '../generated/prisma/enums.ts';
import { newId } from '../ids.ts';
import type { Log } from '../logger.ts';
import { aggregateMessageStatus } from '../messages/message-status.ts';
import { ACTIVE_ENDPOINT_SQL } from '../webhooks/queries.ts';
import { webhookDeliveries, webhookDeliveryRow, type EventForWebhook } from '../webhooks/fan-out.ts';
import { HARD_BOUNCE_CATEGORIES, type AttemptInfo, type RecipientOutcome } from './outcome.ts';

export interface RecipientAttempt {
  recipient: { id: string; email: string; attempts: number };
  outcome: RecipientOutcome;
}

/**
 * How long the write of an attempt's outcomes is retried while Postgres is unreachable. The remote
 * server may already have answered 250: giving up would mean sending the message again.
 */
export const RECORD_RETRY_MS = 5 * 60_000;

/** One attempt's outcomes, to be written. */
export interface AttemptRecord {
  message: { id: string; projectId: string; tags: string[]; metadata: unknown };
  attempt: AttemptInfo;
  results: RecipientAttempt[];
  now: Date;
}

/** The group writer of outcomes a Store owns (one per process). */
export type OutcomeWriter = GroupWriter<AttemptRecord>;

/**
 * Writes one attempt's outcomes: each recipient's new status and last reply, its events, suppressions
 * for hard bounces and complaints, and the message's summary status. Idempotent per attempt: events
 * carry a dedupe key ("attempt:<recipient>:<n>", and "delivered:<recipient>" so no recipient is ever
 * delivered twice) and a recipient already final is not updated again. While Postgres is unreachable
 * (a restart right after the remote 250), the write is retried. Attempts recorded while another write
 * is under way are written together, in one transaction (group commit): the answer comes once that
 * transaction has committed.
 */
export async function recordOutcomes(store: Store, record: AttemptRecord): Promise<void> {
  if (record.results.length === 0) return;
  await store.outcomes.write(record);
}

export function createOutcomeWriter(db: Db, log?: Log): OutcomeWriter {
  return createGroupWriter((records) =>
    retryWhileUnavailable(() => writeOutcomes(db, records), { maxMs: RECORD_RETRY_MS, log, what: `outcomes of ${records.length} attempt(s)` }),
  );
}

const RECIPIENT_OUTCOME_COLUMNS = [
  'id', 'status', 'attempts', 'last_code', 'last_enhanced', 'last_reply', 'last_attempt_at', 'next_attempt_at', 'final_at',
] as const;
const RECIPIENT_OUTCOME = columnsOf(RECIPIENTS, RECIPIENT_OUTCOME_COLUMNS);
type RecipientOutcomeRow = RowOf<typeof RECIPIENTS, (typeof RECIPIENT_OUTCOME_COLUMNS)[number]>;

const EVENT_COLUMNS = [
  'id', 'project_id', 'message_id', 'recipient_id', 'type', 'email', 'attempt', 'smtp_code', 'enhanced_code', 'smtp_reply', 'category',
  'mx_host', 'mx_ip', 'tls_version', 'tls_cipher', 'tls_verified', 'duration_ms', 'dedupe_key', 'created_at',
] as const;
const EVENT = columnsOf(EVENTS, EVENT_COLUMNS);
type EventRow = RowOf<typeof EVENTS, (typeof EVENT_COLUMNS)[number]>;

const SUPPRESSION_COLUMNS = ['id', 'project_id', 'email', 'reason', 'source_message_id', 'created_at'] as const;
const SUPPRESSION = columnsOf(SUPPRESSIONS, SUPPRESSION_COLUMNS);
type SuppressionRow = RowOf<typeof SUPPRESSIONS, (typeof SUPPRESSION_COLUMNS)[number]>;

/**
 * Recipients updated (a recipient already final — an earlier run of this attempt got through — is not
 * updated again), events and suppressions inserted (a re-run's duplicates skipped); answers the ids
 * of the events inserted, every recipient status of the messages as they are now, and the projects'
 * webhook endpoints.
 */
const RECORD_SQL = `WITH u AS (
  UPDATE recipients r SET status = x.status, attempts = x.attempts, last_code = x.last_code,
    last_enhanced = x.last_enhanced, last_reply = x.last_reply, last_attempt_at = x.last_attempt_at, next_attempt_at = x.next_attempt_at,
    sending_until = NULL, final_at = x.final_at, updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetTypes(RECIPIENT_OUTCOME)})
  WHERE r.id = x.id AND r.status IN ('queued', 'deferred')
  RETURNING r.id, r.message_id, r.status),
e AS (${insertFromJson(EVENTS.name, EVENT, '$2')} ON CONFLICT DO NOTHING RETURNING id),
s AS (${insertFromJson(SUPPRESSIONS.name, SUPPRESSION, '$3')} ON CONFLICT DO NOTHING)
SELECT (SELECT coalesce(json_agg(id), '[]') FROM e) AS inserted,
  (SELECT coalesce(json_agg(json_build_object('message_id', t.message_id, 'status', t.status)), '[]') FROM (
     SELECT message_id, status::text FROM recipients WHERE message_id = ANY($4) AND id NOT IN (SELECT id FROM u)
     UNION ALL SELECT message_id, status::text FROM u) AS t) AS statuses,
  (SELECT coalesce(json_agg(json_build_object('id', w.id, 'project_id', w.project_id, 'events', coalesce(w.events, '{}'))), '[]')
     FROM webhook_endpoints w WHERE w.project_id = ANY($5) AND ${ACTIVE_ENDPOINT_SQL('w')}) AS endpoints`;

/** Messages' summary statuses, and the webhook deliveries of the events inserted. */
const SUMMARY_SQL = `WITH m AS (
  UPDATE messages m SET status = x.status::"MessageStatus", updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text) WHERE m.id = x.id)
${insertFromJson(WEBHOOK_DELIVERIES.name, allColumns(WEBHOOK_DELIVERIES), '$2')} ON CONFLICT DO NOTHING`;

interface RecordResult {
  inserted: string[];
  statuses: { message_id: string; status: RecipientStatus }[];
  endpoints: { id: string; project_id: string; events: string[] }[];
}

/**
 * The write itself, in plain SQL: two statements in one transaction for one attempt or many (four
 * round trips to Postgres with BEGIN and COMMIT). A deadlock with another worker's write (two jobs of
 * one message) is retried.
 */
async function writeOutcomes(db: Db, records: AttemptRecord[]): Promise<void> {
  const events = records.map((r) => r.results.flatMap((result) => eventsOf(r.message, r.attempt, result, r.now)));
  const suppressions = records.flatMap(({ message, results, now }) => results.flatMap((result) => suppressionOf(message, result, now)));
  const messageIds = [...new Set(records.map((r) => r.message.id))].sort();
  const recipientRows = records.flatMap(({ results, now }) => results.map((result) => recipientRowOf(result, now)));
  await retryOnDeadlock(() =>
    inTransaction(sqlPool(db), async (client) => {
      const { rows } = await client.query<RecordResult>(
        prepared('record-outcomes', RECORD_SQL, [
          JSON.stringify(recipientRows),
          JSON.stringify(events.flat()),
          JSON.stringify(suppressions),
          messageIds,
          [...new Set(records.map((r) => r.message.projectId))],
        ]),
      );
      const { inserted, statuses, endpoints } = rows[0] as RecordResult;
      // only the events this write inserted (a re-run's duplicates are skipped) go out as webhooks
      const insertedIds = new Set(inserted);
      const deliveries = records.flatMap(({ message }, i) =>
        webhookDeliveries(
          endpoints.filter((e) => e.project_id === message.projectId),
          message.projectId,
          (events[i] as EventRow[]).filter((e) => insertedIds.has(e.id)).map(forWebhook),
          message,
        ),
      );
      const byMessage = new Map<string, RecipientStatus[]>();
      for (const row of statuses) byMessage.set(row.message_id, (byMessage.get(row.message_id) ?? []).concat(row.status));
      await client.query(
        prepared('record-summary', SUMMARY_SQL, [
          JSON.stringify(messageIds.map((id) => ({ id, status: aggregateMessageStatus(byMessage.get(id) ?? []) }))),
          JSON.stringify(deliveries.map(webhookDeliveryRow)),
        ]),
      );
    }),
  );
}

function recipientRowOf({ recipient, outcome }: RecipientAttempt, now: Date): RecipientOutcomeRow {
  return {
    id: recipient.id,
    status: outcome.kind,
    attempts: recipient.attempts + 1,
    last_code: outcome.reply.code,
    last_enhanced: outcome.reply.enhanced,
    last_reply: outcome.reply.text,
    last_attempt_at: now,
    next_attempt_at: outcome.kind === 'deferred' ? outcome.retryAt : null,
    final_at: outcome.kind === 'deferred' ? null : now,
  };
}

/** A hard bounce or a complaint puts the address on the project's suppression list. */
function suppressionOf(message: AttemptRecord['message'], { recipient, outcome }: RecipientAttempt, now: Date): SuppressionRow[] {
  const reason =
    outcome.kind === 'complained' ? 'complaint' : outcome.kind === 'bounced' && HARD_BOUNCE_CATEGORIES.has(outcome.category) ? 'hard_bounce' : null;
  if (!reason) return [];
  return [{ id: newId('suppression', now.getTime()), project_id: message.projectId, email: recipient.email.toLowerCase(), reason, source_message_id: message.id, created_at: now }];
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
const forWebhook = (e: EventRow): EventForWebhook => ({
  id: e.id, type: e.type as EventForWebhook['type'], createdAt: e.created_at, messageId: e.message_id, email: e.email, attempt: e.attempt,
  smtpCode: e.smtp_code, enhancedCode: e.enhanced_code, smtpReply: e.smtp_reply, category: e.category, mxHost: e.mx_host,
});

/** The attempt's event; a complaint is recorded as the delivery it followed, then the complaint. */
function eventsOf(message: { id: string; projectId: string }, attempt: AttemptInfo, { recipient, outcome }: RecipientAttempt, now: Date): EventRow[] {
  const number = recipient.attempts + 1;
  const base = {
    project_id: message.projectId,
    message_id: message.id,
    recipient_id: recipient.id,
    email: recipient.email,
    attempt: number,
    smtp_code: outcome.reply.code,
    enhanced_code: outcome.reply.enhanced,
    smtp_reply: outcome.reply.text,
    category: null,
    mx_host: attempt.mxHost,
    mx_ip: attempt.mxIp,
    tls_version: attempt.tls?.version ?? null,
    tls_cipher: attempt.tls?.cipher ?? null,
    tls_verified: attempt.tls?.verified ?? null,
    duration_ms: attempt.durationMs,
    created_at: now,
  };
  const delivered: EventRow = { ...base, id: newId('event', now.getTime()), type: 'delivered', dedupe_key: `delivered:${recipient.id}` };
  switch (outcome.kind) {
    case 'delivered':
      return [delivered];
    case 'complained':
      return [delivered, { ...base, id: newId('event', now.getTime()), type: 'complained', category: 'complaint', dedupe_key: `complained:${recipient.id}` }];
    default:
      return [{ ...base, id: newId('event', now.getTime()), type: outcome.kind, category: outcome.category, dedupe_key: `attempt:${recipient.id}:${number}` }];
  }
}
