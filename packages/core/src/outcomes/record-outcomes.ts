import type { Store } from '../db/store.ts';
import { newId } from '../ids.ts';
import { metrics } from '../metrics/registry.ts';
import { HARD_BOUNCE_CATEGORIES, type AttemptInfo, type RecipientOutcome } from './outcome.ts';
import { eventRow, type NewEvent, type OutcomeWrite, type RecipientChange, type NewSuppression } from './write-outcomes.ts';


export interface RecipientAttempt {
  recipient: { id: string; email: string; attempts: number };
  outcome: RecipientOutcome;
}

/** One attempt's outcomes, to be written. */
export interface AttemptRecord {
  message: { id: string; projectId: string; tags: string[]; metadata: unknown };
  attempt: AttemptInfo;
  results: RecipientAttempt[];
  now: Date;
}

/**
 * Writes one attempt's outcomes (through the Store's outcome writer, write-outcomes.ts): each
 * recipient's new status and last reply, its events, suppressions for hard bounces and complaints,
 * and the message's summary status. Idempotent per attempt: events carry a dedupe key
 * ("attempt:<recipient>:<n>", and "delivered:<recipient>" so no recipient is ever delivered twice) and
 * a recipient already final is not changed again. The answer comes once the write has committed.
 */
export async function recordOutcomes(store: Store, record: AttemptRecord): Promise<void> {
  if (record.results.length === 0) return;
  await store.outcomes.write(attemptWrite(record));
  for (const { outcome } of record.results) {
    metrics().deliveryAttempts.inc({ outcome: outcome.kind, category: 'category' in outcome ? outcome.category : 'none' });
  }
}

/** An attempt's outcomes as the writer takes them. */
export function attemptWrite({ message, attempt, results, now }: AttemptRecord): OutcomeWrite {
  return {
    message,
    recipients: results.map((result) => recipientChangeOf(result, now)),
    events: results.flatMap((result) => eventsOf(message, attempt, result, now)),
    suppressions: results.flatMap((result) => suppressionOf(message, result, now)),
  };
}

function recipientChangeOf({ recipient, outcome }: RecipientAttempt, now: Date): RecipientChange {
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
    // an attempt changes only a recipient still to be delivered: a re-run after a crash finds it final
    from: ['queued', 'deferred'],
  };
}

/** A hard bounce or a complaint puts the address on the project's suppression list. */
export function suppressionOf(message: { id: string; projectId: string }, { recipient, outcome }: Pick<RecipientAttempt, 'recipient' | 'outcome'>, now: Date): NewSuppression[] {
  const reason =
    outcome.kind === 'complained' ? 'complaint' : outcome.kind === 'bounced' && HARD_BOUNCE_CATEGORIES.has(outcome.category) ? 'hard_bounce' : null;
  if (!reason) return [];
  return [{ id: newId('suppression', now.getTime()), project_id: message.projectId, email: recipient.email.toLowerCase(), reason, source_message_id: message.id, created_at: now }];
}

/** The attempt's event; a complaint is recorded as the delivery it followed, then the complaint. */
function eventsOf(message: { id: string; projectId: string }, attempt: AttemptInfo, { recipient, outcome }: RecipientAttempt, now: Date): NewEvent[] {
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
    mx_host: attempt.mxHost,
    mx_ip: attempt.mxIp,
    tls_version: attempt.tls?.version ?? null,
    tls_cipher: attempt.tls?.cipher ?? null,
    tls_verified: attempt.tls?.verified ?? null,
    duration_ms: attempt.durationMs,
    // which keys signed the copy (GET /v1/messages/{id} shows them as the event's dkim)
    data: attempt.dkim && attempt.dkim.length > 0 ? { dkim: attempt.dkim.map(({ domain, selector, algorithm }) => ({ domain, selector, algorithm })) } : null,
  };
  // eventRow derives each id from the message and the dedupe key: a re-run of the attempt mints the same ids
  const event = (fields: Pick<NewEvent, 'type' | 'category' | 'dedupe_key' | 'created_at'>): NewEvent => eventRow({ ...base, ...fields });
  const delivered = event({ type: 'delivered', category: null, dedupe_key: `delivered:${recipient.id}`, created_at: now });
  switch (outcome.kind) {
    case 'delivered':
      return [delivered];
    case 'complained':
      // a millisecond after the delivery: the timeline orders by (created_at, id), and these ids say nothing of order
      return [delivered, event({ type: 'complained', category: 'complaint', dedupe_key: `complained:${recipient.id}`, created_at: new Date(now.getTime() + 1) })];
    default:
      return [event({ type: outcome.kind, category: outcome.category, dedupe_key: `attempt:${recipient.id}:${number}`, created_at: now })];
  }
}
