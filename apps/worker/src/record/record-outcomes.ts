import { activeEndpoints, aggregateMessageStatus, newId, retryWhileUnavailable, webhookDeliveries, type Db, type Log, type Prisma } from '@herald/core';
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

async function writeOutcomes(
  db: Db,
  message: { id: string; projectId: string; tags: string[]; metadata: unknown },
  attempt: AttemptInfo,
  results: RecipientAttempt[],
  now: Date,
): Promise<void> {
  await db.$transaction(async (tx) => {
    for (const { recipient, outcome } of results) {
      await tx.recipient.updateMany({
        where: { id: recipient.id, status: { in: ['queued', 'deferred'] } },
        data: {
          status: outcome.kind,
          attempts: recipient.attempts + 1,
          lastCode: outcome.reply.code,
          lastEnhanced: outcome.reply.enhanced,
          lastReply: outcome.reply.text,
          lastAttemptAt: now,
          nextAttemptAt: outcome.kind === 'deferred' ? outcome.retryAt : null,
          sendingUntil: null,
          finalAt: outcome.kind === 'deferred' ? null : now,
        },
      });
    }
    // only the events this run inserted (a re-run's duplicates are skipped) go out as webhooks
    const inserted = await tx.event.createManyAndReturn({ skipDuplicates: true, data: results.flatMap((r) => eventsOf(message, attempt, r, now)) });
    const deliveries = webhookDeliveries(await activeEndpoints(tx, message.projectId), message.projectId, inserted, message);
    if (deliveries.length) await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
    const suppressions = results.flatMap(({ recipient, outcome }) => {
      const reason =
        outcome.kind === 'complained' ? 'complaint' : outcome.kind === 'bounced' && HARD_BOUNCE_CATEGORIES.has(outcome.category) ? 'hard_bounce' : null;
      return reason
        ? [{ id: newId('suppression', now.getTime()), projectId: message.projectId, email: recipient.email.toLowerCase(), reason, sourceMessageId: message.id, createdAt: now } as const]
        : [];
    });
    if (suppressions.length > 0) await tx.suppression.createMany({ data: suppressions, skipDuplicates: true });
    const statuses = await tx.recipient.findMany({ where: { messageId: message.id }, select: { status: true } });
    await tx.message.update({ where: { id: message.id }, data: { status: aggregateMessageStatus(statuses.map((s) => s.status)) } });
  });
}

/** The attempt's event; a complaint is recorded as the delivery it followed, then the complaint. */
function eventsOf(
  message: { id: string; projectId: string },
  attempt: AttemptInfo,
  { recipient, outcome }: RecipientAttempt,
  now: Date,
): Prisma.EventCreateManyInput[] {
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
