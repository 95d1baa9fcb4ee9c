import { aggregateMessageStatus, newId, type Db } from '@herald/core';
import type { AttemptInfo, RecipientOutcome } from '../delivery/outcome.ts';

export interface RecipientAttempt {
  recipient: { id: string; email: string; attempts: number };
  outcome: RecipientOutcome;
}

/**
 * Writes one attempt's outcomes in one transaction: each recipient's new status and last reply, one
 * event per recipient, and the message's summary status. Idempotent per attempt: events carry a dedupe
 * key ("attempt:<recipient>:<n>", and "delivered:<recipient>" so no recipient is ever delivered twice)
 * and a recipient already final is not updated again.
 */
export async function recordOutcomes(
  db: Db,
  message: { id: string; projectId: string },
  attempt: AttemptInfo,
  results: RecipientAttempt[],
  now: Date,
): Promise<void> {
  if (results.length === 0) return;
  await db.$transaction(async (tx) => {
    for (const { recipient, outcome } of results) {
      const number = recipient.attempts + 1;
      const final = outcome.kind !== 'deferred';
      await tx.recipient.updateMany({
        where: { id: recipient.id, status: { in: ['queued', 'deferred'] } },
        data: {
          status: outcome.kind,
          attempts: number,
          lastCode: outcome.reply.code,
          lastEnhanced: outcome.reply.enhanced,
          lastReply: outcome.reply.text,
          lastAttemptAt: now,
          nextAttemptAt: outcome.kind === 'deferred' ? outcome.retryAt : null,
          finalAt: final ? now : null,
        },
      });
    }
    await tx.event.createMany({
      skipDuplicates: true,
      data: results.map(({ recipient, outcome }) => ({
        id: newId('event', now.getTime()),
        projectId: message.projectId,
        messageId: message.id,
        recipientId: recipient.id,
        type: outcome.kind,
        email: recipient.email,
        attempt: recipient.attempts + 1,
        smtpCode: outcome.reply.code,
        enhancedCode: outcome.reply.enhanced,
        smtpReply: outcome.reply.text,
        category: outcome.kind === 'delivered' ? null : outcome.category,
        mxHost: attempt.mxHost,
        mxIp: attempt.mxIp,
        tlsVersion: attempt.tls?.version ?? null,
        tlsCipher: attempt.tls?.cipher ?? null,
        tlsVerified: attempt.tls?.verified ?? null,
        durationMs: attempt.durationMs,
        dedupeKey:
          outcome.kind === 'delivered' ? `delivered:${recipient.id}` : `attempt:${recipient.id}:${recipient.attempts + 1}`,
        createdAt: now,
      })),
    });
    const statuses = await tx.recipient.findMany({ where: { messageId: message.id }, select: { status: true } });
    await tx.message.update({
      where: { id: message.id },
      data: { status: aggregateMessageStatus(statuses.map((s) => s.status)) },
    });
  });
}
