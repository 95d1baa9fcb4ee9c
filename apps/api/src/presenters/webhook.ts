import type { WebhookDeliveryRow, WebhookEndpointRow } from '@herald/core';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** An endpoint as the API shows it: never its secret. */
export function presentWebhook(w: WebhookEndpointRow) {
  return {
    id: w.id,
    url: w.url,
    description: w.description,
    events: w.events,
    enabled: w.enabled,
    disabled_at: iso(w.disabledAt),
    disabled_reason: w.disabledReason,
    failing_since: iso(w.failingSince),
    previous_secret_expires_at: w.previousSecretExpiresAt && w.previousSecretExpiresAt > new Date() ? w.previousSecretExpiresAt.toISOString() : null,
    created_at: w.createdAt.toISOString(),
  };
}

export function presentDelivery(d: WebhookDeliveryRow) {
  return {
    id: d.id,
    event_id: d.eventId,
    event_type: d.eventType,
    status: d.status,
    attempts: d.attempts,
    response_code: d.lastStatusCode,
    error: d.lastError,
    duration_ms: d.lastDurationMs,
    next_attempt_at: d.status === 'pending' ? iso(d.nextAttemptAt) : null,
    last_attempt_at: iso(d.lastAttemptAt),
    created_at: d.createdAt.toISOString(),
  };
}
