import { newId, type Db, type WebhookAttempt } from '@herald/core';
import { nextAttemptAt } from '../retry/schedule.ts';

export interface WebhookPolicy {
  retrySchedule: readonly number[];
  disableAfterMs: number;
}

interface Claimed {
  id: string;
  attempts: number;
  endpoint: { id: string; projectId: string; url: string; failingSince: Date | null };
}

/**
 * Records one attempt and decides what comes next: delivered; retried on the schedule (or later, when
 * the receiver said Retry-After); failed for good after the last retry; or — for 410 Gone, and for an
 * endpoint failing every attempt for `disableAfterMs` — the endpoint disabled, with a webhook_disabled
 * event saying why.
 */
export async function recordWebhookAttempt(
  db: Db,
  delivery: Claimed,
  attempt: WebhookAttempt,
  policy: WebhookPolicy,
  now: Date,
  random: () => number = Math.random,
): Promise<void> {
  const attempts = delivery.attempts + 1;
  const common = {
    attempts,
    lastAttemptAt: now,
    lastStatusCode: attempt.statusCode,
    lastDurationMs: Math.round(attempt.durationMs),
    lastError: attempt.error,
  };
  const { endpoint } = delivery;
  if (attempt.outcome === 'delivered') {
    await db.$transaction([
      db.webhookDelivery.update({ where: { id: delivery.id }, data: { ...common, status: 'succeeded', completedAt: now, nextAttemptAt: null } }),
      db.webhookEndpoint.updateMany({ where: { id: endpoint.id, failingSince: { not: null } }, data: { failingSince: null } }),
    ]);
    return;
  }
  const failingSince = endpoint.failingSince ?? now;
  const disableReason =
    attempt.outcome === 'gone'
      ? 'the receiver answered 410 Gone'
      : now.getTime() - failingSince.getTime() >= policy.disableAfterMs
        ? `every attempt has failed since ${failingSince.toISOString()}`
        : null;
  const exhausted = attempts > policy.retrySchedule.length || attempt.outcome === 'gone';
  let next = exhausted ? null : nextAttemptAt(attempts, policy.retrySchedule, now, random);
  if (next && attempt.retryAfterMs !== null && now.getTime() + attempt.retryAfterMs > next.getTime()) {
    next = new Date(now.getTime() + attempt.retryAfterMs);
  }
  await db.$transaction([
    db.webhookDelivery.update({
      where: { id: delivery.id },
      data: next ? { ...common, status: 'pending', nextAttemptAt: next } : { ...common, status: 'failed', completedAt: now, nextAttemptAt: null },
    }),
    db.webhookEndpoint.update({
      where: { id: endpoint.id },
      data: { failingSince, ...(disableReason ? { disabledAt: now, disabledReason: disableReason } : {}) },
    }),
    ...(disableReason
      ? [
          db.event.create({
            data: {
              id: newId('event', now.getTime()),
              projectId: endpoint.projectId,
              type: 'webhook_disabled',
              data: { webhook_id: endpoint.id, url: endpoint.url, reason: disableReason },
              createdAt: now,
            },
          }),
        ]
      : []),
  ]);
}
