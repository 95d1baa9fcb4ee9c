import type { EventType } from '../generated/prisma/enums.ts';

/** Event types a webhook endpoint can subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'message.queued',
  'message.scheduled',
  'message.delivered',
  'message.deferred',
  'message.bounced',
  'message.failed',
  'message.suppressed',
  'message.complained',
  'message.cancelled',
  'message.delayed',
  'message.unsubscribed',
  'domain.verified',
  'domain.failed',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** The type test deliveries carry (POST /v1/webhooks/{id}/test); endpoints always get it. */
export const WEBHOOK_TEST_EVENT = 'webhook.test';

/** Events kept in a message's timeline but not sent as webhooks. */
const NOT_SENT: ReadonlySet<EventType> = new Set(['webhook_disabled', 'auto_reply', 'unrecognized_bounce']);

/** The webhook type of a stored event, or null for events that are not sent (webhook_disabled, auto_reply, unrecognized_bounce). */
export function webhookTypeOf(type: EventType): WebhookEventType | null {
  if (type === 'domain_verified') return 'domain.verified';
  if (type === 'domain_failed') return 'domain.failed';
  if (NOT_SENT.has(type)) return null;
  return `message.${type}` as WebhookEventType;
}
