import { inTransaction, newId, sqlPool, type Db, type WebhookAttempt } from '@herald/core';
import { nextAttemptAt } from '../retry/schedule.ts';

export interface WebhookPolicy {
  retrySchedule: readonly number[];
  disableAfterMs: number;
}

/** $1 the delivery; $2 its status, $3 attempts, $4 now, $5 status code, $6 duration, $7 error, $8 next attempt, $9 completed. */
const DELIVERY_SQL = `UPDATE webhook_deliveries SET status = $2::"WebhookDeliveryStatus", attempts = $3, last_attempt_at = $4,
    last_status_code = $5, last_duration_ms = $6, last_error = $7, next_attempt_at = $8, completed_at = coalesce($9, completed_at)
  WHERE id = $1`;

/** An endpoint that answered is no longer failing. */
const RECOVERED_SQL = `UPDATE webhook_endpoints SET failing_since = NULL, updated_at = $2 WHERE id = $1 AND failing_since IS NOT NULL`;

/** $2 failing since; $3 now, and the reason when the endpoint is disabled by this attempt. */
const FAILING_SQL = `UPDATE webhook_endpoints SET failing_since = $2, updated_at = $3,
    disabled_at = CASE WHEN $4::text IS NULL THEN disabled_at ELSE $3 END, disabled_reason = coalesce($4, disabled_reason)
  WHERE id = $1`;

const DISABLED_EVENT_SQL = `INSERT INTO events (id, project_id, type, data, created_at) VALUES ($1, $2, 'webhook_disabled', $3::jsonb, $4)`;

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
  const recorded = (status: 'pending' | 'succeeded' | 'failed', next: Date | null) => [
    delivery.id,
    status,
    attempts,
    now,
    attempt.statusCode,
    Math.round(attempt.durationMs),
    attempt.error,
    next,
    status === 'pending' ? null : now,
  ];
  const { endpoint } = delivery;
  if (attempt.outcome === 'delivered') {
    await inTransaction(sqlPool(db), async (client) => {
      await client.query(DELIVERY_SQL, recorded('succeeded', null));
      await client.query(RECOVERED_SQL, [endpoint.id, now]);
    });
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
  await inTransaction(sqlPool(db), async (client) => {
    await client.query(DELIVERY_SQL, next ? recorded('pending', next) : recorded('failed', null));
    await client.query(FAILING_SQL, [endpoint.id, failingSince, now, disableReason]);
    if (disableReason) {
      await client.query(DISABLED_EVENT_SQL, [
        newId('event', now.getTime()),
        endpoint.projectId,
        JSON.stringify({ webhook_id: endpoint.id, url: endpoint.url, reason: disableReason }),
        now,
      ]);
    }
  });
}
