import { aggregateMessageStatus, inTransaction, insertRows, newId, recordsetTypes, retryWhileUnavailable, sqlPool, webhookDeliveries, type Column, type Db, type Log, type Prisma } from '@herald/core';
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
const HARD_BOUNCE_CATEGORIES = new Set(['bad-mailbox', 'dns']);

/**
 * Writes one attempt's outcomes in one transaction: each recipient's new status and last reply, its
 * events, suppressions for hard bounces and complaints, and the message's summary status. Idempotent
 * per attempt: events carry a dedupe key ("attempt:<recipient>:<n>", and "delivered:<recipient>" so no
 * recipient is ever delivered twice) and a recipient already final is not updated again. While
 * Postgres is unreachable (a restart right after the remote 250), the whole write is retried.
 */
export async function recordOutcomes(
  db: Db,
  message: { id: string; projectId: string; tags: string[]; metadata: unknown },
  attempt: AttemptInfo,
  results: RecipientAttempt[],
  now: Date,
  log?: Log,
): Promise<void> {
  if (results.length === 0) return;
  await retryWhileUnavailable(() => writeOutcomes(db, message, attempt, results, now), {
    maxMs: RECORD_RETRY_MS,
    log,
    what: `outcomes of message ${message.id}`,
  });
}

const RECIPIENT_OUTCOME: readonly Column[] = [
  ['id', 'text'], ['status', 'text'], ['attempts', 'int'], ['last_code', 'int'], ['last_enhanced', 'text'], ['last_reply', 'text'],
  ['next_attempt_at', 'timestamptz'], ['final_at', 'timestamptz'],
];
const EVENT: readonly Column[] = [
  ['id', 'text'], ['project_id', 'text'], ['message_id', 'text'], ['recipient_id', 'text'], ['type', '"EventType"'], ['email', 'text'],
  ['attempt', 'int'], ['smtp_code', 'int'], ['enhanced_code', 'text'], ['smtp_reply', 'text'], ['category', 'text'], ['mx_host', 'text'],
  ['mx_ip', 'text'], ['tls_version', 'text'], ['tls_cipher', 'text'], ['tls_verified', 'boolean'], ['duration_ms', 'int'],
  ['dedupe_key', 'text'], ['created_at', 'timestamptz'],
];
const WEBHOOK_DELIVERY: readonly Column[] = [
  ['id', 'text'], ['endpoint_id', 'text'], ['project_id', 'text'], ['event_id', 'text'], ['event_type', 'text'], ['payload', 'jsonb'],
  ['status', '"WebhookDeliveryStatus"'], ['next_attempt_at', 'timestamptz'], ['created_at', 'timestamptz'],
];
const SUPPRESSION: readonly Column[] = [
  ['id', 'text'], ['project_id', 'text'], ['email', 'text'], ['reason', '"SuppressionReason"'], ['source_message_id', 'text'], ['created_at', 'timestamptz'],
];

/** The write itself, in plain SQL (it runs once per attempt): a handful of statements in one transaction. */
async function writeOutcomes(
  db: Db,
  message: { id: string; projectId: string; tags: string[]; metadata: unknown },
  attempt: AttemptInfo,
  results: RecipientAttempt[],
  now: Date,
): Promise<void> {
  const events = results.flatMap((r) => eventsOf(message, attempt, r, now));
  const suppressions = results.flatMap(({ recipient, outcome }) => {
    const reason =
      outcome.kind === 'complained' ? 'complaint' : outcome.kind === 'bounced' && HARD_BOUNCE_CATEGORIES.has(outcome.category) ? 'hard_bounce' : null;
    return reason
      ? [{ id: newId('suppression', now.getTime()), project_id: message.projectId, email: recipient.email.toLowerCase(), reason, source_message_id: message.id, created_at: now }]
      : [];
  });
  await inTransaction(sqlPool(db), async (client) => {
    // a recipient already final (an earlier run of this attempt got through) is not updated again
    await client.query(
      `UPDATE recipients r SET status = x.status::"RecipientStatus", attempts = x.attempts, last_code = x.last_code,
         last_enhanced = x.last_enhanced, last_reply = x.last_reply, last_attempt_at = $2, next_attempt_at = x.next_attempt_at,
         sending_until = NULL, final_at = x.final_at, updated_at = now()
       FROM jsonb_to_recordset($1::jsonb) AS x(${recordsetTypes(RECIPIENT_OUTCOME)})
       WHERE r.id = x.id AND r.status IN ('queued', 'deferred')`,
      [
        JSON.stringify(
          results.map(({ recipient, outcome }) => ({
            id: recipient.id,
            status: outcome.kind,
            attempts: recipient.attempts + 1,
            last_code: outcome.reply.code,
            last_enhanced: outcome.reply.enhanced,
            last_reply: outcome.reply.text,
            next_attempt_at: outcome.kind === 'deferred' ? outcome.retryAt : null,
            final_at: outcome.kind === 'deferred' ? null : now,
          })),
        ),
        now,
      ],
    );
    // only the events this run inserted (a re-run's duplicates are skipped) go out as webhooks
    const insertedIds = new Set(await insertRows(client, 'events', EVENT, events.map(eventRow), { skipConflicts: true }));
    const inserted = events.filter((e) => insertedIds.has(e.id));
    if (inserted.length > 0) {
      const { rows: endpoints } = await client.query<{ id: string; events: string[] }>(
        'SELECT id, events FROM webhook_endpoints WHERE project_id = $1 AND enabled AND disabled_at IS NULL',
        [message.projectId],
      );
      const deliveries = webhookDeliveries(endpoints, message.projectId, inserted, message);
      await insertRows(client, 'webhook_deliveries', WEBHOOK_DELIVERY, deliveries.map(deliveryRow), { skipConflicts: true });
    }
    await insertRows(client, 'suppressions', SUPPRESSION, suppressions, { skipConflicts: true });
    const { rows: statuses } = await client.query<{ status: RecipientStatus }>('SELECT status FROM recipients WHERE message_id = $1', [message.id]);
    await client.query('UPDATE messages SET status = $2::"MessageStatus", updated_at = now() WHERE id = $1', [
      message.id,
      aggregateMessageStatus(statuses.map((s) => s.status)),
    ]);
  });
}

/** An event row this attempt writes. */
type NewEvent = Prisma.EventCreateManyInput & { id: string; createdAt: Date };

const eventRow = (e: NewEvent) => ({
  id: e.id, project_id: e.projectId, message_id: e.messageId, recipient_id: e.recipientId, type: e.type, email: e.email,
  attempt: e.attempt, smtp_code: e.smtpCode, enhanced_code: e.enhancedCode, smtp_reply: e.smtpReply, category: e.category ?? null,
  mx_host: e.mxHost, mx_ip: e.mxIp, tls_version: e.tlsVersion, tls_cipher: e.tlsCipher, tls_verified: e.tlsVerified,
  duration_ms: e.durationMs, dedupe_key: e.dedupeKey, created_at: e.createdAt,
});

const deliveryRow = (d: Prisma.WebhookDeliveryCreateManyInput) => ({
  id: d.id, endpoint_id: d.endpointId, project_id: d.projectId, event_id: d.eventId, event_type: d.eventType, payload: d.payload,
  status: d.status, next_attempt_at: d.nextAttemptAt, created_at: d.createdAt,
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
