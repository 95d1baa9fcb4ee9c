import { aggregateMessageStatus, createGroupWriter, inTransaction, insertFromJson, type GroupWriter, newId, prepared, recordsetTypes, retryWhileUnavailable, sqlPool, webhookDeliveries, WEBHOOK_DELIVERY_COLUMNS, webhookDeliveryRow, type Column, type Db, type Log, type Prisma } from '@herald/core';
import type { RecipientStatus } from '@herald/core/generated/prisma/enums';
import type { AttemptInfo, RecipientOutcome } from '../delivery/outcome.ts';


export interface RecipientAttempt {
  recipient: { id: string; email: string; attempts: number };
  outcome: RecipientOutcome;
}

/**
 * How long the write of an attempt's outcomes is retried while Postgres is unreachable. The remote
 * server may already have answered 250: giving up would mean sending the message again.
 */
export const RECORD_RETRY_MS = 5 * 60_000;

/** Bounces that mean the address will never work: the address is suppressed for the project. */
export const HARD_BOUNCE_CATEGORIES = new Set(['bad-mailbox', 'dns']);

/** One attempt's outcomes, to be written. */
export interface AttemptRecord {
  message: { id: string; projectId: string; tags: string[]; metadata: unknown };
  attempt: AttemptInfo;
  results: RecipientAttempt[];
  now: Date;
}

/**
 * Writes one attempt's outcomes: each recipient's new status and last reply, its events, suppressions
 * for hard bounces and complaints, and the message's summary status. Idempotent per attempt: events
 * carry a dedupe key ("attempt:<recipient>:<n>", and "delivered:<recipient>" so no recipient is ever
 * delivered twice) and a recipient already final is not updated again. While Postgres is unreachable
 * (a restart right after the remote 250), the write is retried. Attempts recorded while another write
 * is under way are written together, in one transaction (group commit): the answer comes once that
 * transaction has committed.
 */
export async function recordOutcomes(
  db: Db,
  message: AttemptRecord['message'],
  attempt: AttemptInfo,
  results: RecipientAttempt[],
  now: Date,
  log?: Log,
): Promise<void> {
  if (results.length === 0) return;
  await writerFor(db, log).write({ message, attempt, results, now });
}

const writers = new WeakMap<Db, GroupWriter<AttemptRecord>>();

function writerFor(db: Db, log?: Log): GroupWriter<AttemptRecord> {
  let writer = writers.get(db);
  if (!writer) {
    writer = createGroupWriter((records) =>
      retryWhileUnavailable(() => writeOutcomes(db, records), { maxMs: RECORD_RETRY_MS, log, what: `outcomes of ${records.length} attempt(s)` }),
    );
    writers.set(db, writer);
  }
  return writer;
}

const RECIPIENT_OUTCOME: readonly Column[] = [
  ['id', 'text'], ['status', 'text'], ['attempts', 'int'], ['last_code', 'int'], ['last_enhanced', 'text'], ['last_reply', 'text'],
  ['last_attempt_at', 'timestamptz'], ['next_attempt_at', 'timestamptz'], ['final_at', 'timestamptz'],
];
const EVENT: readonly Column[] = [
  ['id', 'text'], ['project_id', 'text'], ['message_id', 'text'], ['recipient_id', 'text'], ['type', '"EventType"'], ['email', 'text'],
  ['attempt', 'int'], ['smtp_code', 'int'], ['enhanced_code', 'text'], ['smtp_reply', 'text'], ['category', 'text'], ['mx_host', 'text'],
  ['mx_ip', 'text'], ['tls_version', 'text'], ['tls_cipher', 'text'], ['tls_verified', 'boolean'], ['duration_ms', 'int'],
  ['dedupe_key', 'text'], ['created_at', 'timestamptz'],
];
const SUPPRESSION: readonly Column[] = [
  ['id', 'text'], ['project_id', 'text'], ['email', 'text'], ['reason', '"SuppressionReason"'], ['source_message_id', 'text'], ['created_at', 'timestamptz'],
];

/**
 * Recipients updated (a recipient already final — an earlier run of this attempt got through — is not
 * updated again), events and suppressions inserted (a re-run's duplicates skipped); answers the ids
 * of the events inserted, every recipient status of the messages as they are now, and the projects'
 * webhook endpoints.
 */
const RECORD_SQL = `WITH u AS (
  UPDATE recipients r SET status = x.status::"RecipientStatus", attempts = x.attempts, last_code = x.last_code,
    last_enhanced = x.last_enhanced, last_reply = x.last_reply, last_attempt_at = x.last_attempt_at, next_attempt_at = x.next_attempt_at,
    sending_until = NULL, final_at = x.final_at, updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetTypes(RECIPIENT_OUTCOME)})
  WHERE r.id = x.id AND r.status IN ('queued', 'deferred')
  RETURNING r.id, r.message_id, r.status),
e AS (${insertFromJson('events', EVENT, '$2')} ON CONFLICT DO NOTHING RETURNING id),
s AS (${insertFromJson('suppressions', SUPPRESSION, '$3')} ON CONFLICT DO NOTHING)
SELECT (SELECT coalesce(json_agg(id), '[]') FROM e) AS inserted,
  (SELECT coalesce(json_agg(json_build_object('message_id', t.message_id, 'status', t.status)), '[]') FROM (
     SELECT message_id, status::text FROM recipients WHERE message_id = ANY($4) AND id NOT IN (SELECT id FROM u)
     UNION ALL SELECT message_id, status::text FROM u) AS t) AS statuses,
  (SELECT coalesce(json_agg(json_build_object('id', w.id, 'project_id', w.project_id, 'events', coalesce(w.events, '{}'))), '[]')
     FROM webhook_endpoints w WHERE w.project_id = ANY($5) AND w.enabled AND w.disabled_at IS NULL) AS endpoints`;

/** Messages' summary statuses, and the webhook deliveries of the events inserted. */
const SUMMARY_SQL = `WITH m AS (
  UPDATE messages m SET status = x.status::"MessageStatus", updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text) WHERE m.id = x.id)
${insertFromJson('webhook_deliveries', WEBHOOK_DELIVERY_COLUMNS, '$2')} ON CONFLICT DO NOTHING`;

/**
 * The write itself, in plain SQL: two statements in one transaction for one attempt or many (four
 * round trips to Postgres with BEGIN and COMMIT). A deadlock with another worker's write (two jobs of
 * one message) is retried.
 */
async function writeOutcomes(db: Db, records: AttemptRecord[]): Promise<void> {
  const events = records.map((r) => r.results.flatMap((result) => eventsOf(r.message, r.attempt, result, r.now)));
  const suppressions = records.flatMap(({ message, results, now }) =>
    results.flatMap(({ recipient, outcome }) => {
      const reason =
        outcome.kind === 'complained' ? 'complaint' : outcome.kind === 'bounced' && HARD_BOUNCE_CATEGORIES.has(outcome.category) ? 'hard_bounce' : null;
      return reason
        ? [{ id: newId('suppression', now.getTime()), project_id: message.projectId, email: recipient.email.toLowerCase(), reason, source_message_id: message.id, created_at: now }]
        : [];
    }),
  );
  const messageIds = [...new Set(records.map((r) => r.message.id))].sort();
  const recipientRows = records.flatMap(({ results, now }) =>
    results.map(({ recipient, outcome }) => ({
      id: recipient.id,
      status: outcome.kind,
      attempts: recipient.attempts + 1,
      last_code: outcome.reply.code,
      last_enhanced: outcome.reply.enhanced,
      last_reply: outcome.reply.text,
      last_attempt_at: now,
      next_attempt_at: outcome.kind === 'deferred' ? outcome.retryAt : null,
      final_at: outcome.kind === 'deferred' ? null : now,
    })),
  );
  await retryOnDeadlock(() =>
    inTransaction(sqlPool(db), async (client) => {
      const { rows } = await client.query<{ inserted: string[]; statuses: { message_id: string; status: RecipientStatus }[]; endpoints: { id: string; project_id: string; events: string[] }[] }>(
        prepared('record-outcomes', RECORD_SQL, [
          JSON.stringify(recipientRows),
          JSON.stringify(events.flat().map(eventRow)),
          JSON.stringify(suppressions),
          messageIds,
          [...new Set(records.map((r) => r.message.projectId))],
        ]),
      );
      const { inserted, statuses, endpoints } = rows[0] as NonNullable<(typeof rows)[0]>;
      // only the events this write inserted (a re-run's duplicates are skipped) go out as webhooks
      const insertedIds = new Set(inserted);
      const deliveries = records.flatMap(({ message }, i) =>
        webhookDeliveries(
          endpoints.filter((e) => e.project_id === message.projectId),
          message.projectId,
          (events[i] as NewEvent[]).filter((e) => insertedIds.has(e.id)),
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

/** An event row an attempt writes. */
type NewEvent = Prisma.EventCreateManyInput & { id: string; createdAt: Date };

const eventRow = (e: NewEvent) => ({
  id: e.id, project_id: e.projectId, message_id: e.messageId, recipient_id: e.recipientId, type: e.type, email: e.email,
  attempt: e.attempt, smtp_code: e.smtpCode, enhanced_code: e.enhancedCode, smtp_reply: e.smtpReply, category: e.category ?? null,
  mx_host: e.mxHost, mx_ip: e.mxIp, tls_version: e.tlsVersion, tls_cipher: e.tlsCipher, tls_verified: e.tlsVerified,
  duration_ms: e.durationMs, dedupe_key: e.dedupeKey, created_at: e.createdAt,
});


/** The attempt's event; a complaint is recorded as the delivery it followed, then the complaint. */
function eventsOf(
  message: { id: string; projectId: string },
  attempt: AttemptInfo,
  { recipient, outcome }: RecipientAttempt,
  now: Date,
): NewEvent[] {
  const number = recipient.attempts + 1;
  const base = {
    projectId: message.projectId,
    messageId: message.id,
    recipientId: recipient.id,
    email: recipient.email,
    attempt: number,
    smtpCode: outcome.reply.code,
    enhancedCode: outcome.reply.enhanced,
    smtpReply: outcome.reply.text,
    mxHost: attempt.mxHost,
    mxIp: attempt.mxIp,
    tlsVersion: attempt.tls?.version ?? null,
    tlsCipher: attempt.tls?.cipher ?? null,
    tlsVerified: attempt.tls?.verified ?? null,
    durationMs: attempt.durationMs,
    createdAt: now,
  };
  const delivered = { ...base, id: newId('event', now.getTime()), type: 'delivered' as const, dedupeKey: `delivered:${recipient.id}` };
  switch (outcome.kind) {
    case 'delivered':
      return [delivered];
    case 'complained':
      return [
        delivered,
        { ...base, id: newId('event', now.getTime()), type: 'complained', category: 'complaint', dedupeKey: `complained:${recipient.id}` },
      ];
    default:
      return [{ ...base, id: newId('event', now.getTime()), type: outcome.kind, category: outcome.category, dedupeKey: `attempt:${recipient.id}:${number}` }];
  }
}
