import { Webhook, WebhookVerificationError } from 'standardwebhooks';

export { WebhookVerificationError };

/** The SMTP reply an event carries (null for events without one: queued, scheduled, suppressed, cancelled). */
export interface WebhookSmtpReply {
  code: number | null;
  enhanced_code: string | null;
  message: string | null;
}

/** What every message event's data holds (docs/webhooks.md); events learned from reports add the optional fields. */
export interface MessageEventData {
  event_id: string;
  message_id: string | null;
  recipient: string | null;
  tags: string[];
  metadata: Record<string, string>;
  attempt: number | null;
  smtp: WebhookSmtpReply | null;
  category: string | null;
  mx_host: string | null;
  async?: boolean;
  dsn?: Record<string, unknown>;
  report_id?: string;
  feedback_type?: string;
  method?: string;
}

export type MessageEventType =
  | 'message.queued'
  | 'message.scheduled'
  | 'message.delivered'
  | 'message.deferred'
  | 'message.bounced'
  | 'message.failed'
  | 'message.suppressed'
  | 'message.complained'
  | 'message.cancelled'
  | 'message.delayed'
  | 'message.unsubscribed';

/** An event Herald posts to a webhook endpoint: `{ type, timestamp, data }`, `data.event_id` the same as the webhook-id header. */
export type HeraldWebhookEvent =
  | { type: MessageEventType; timestamp: string; data: MessageEventData }
  | { type: 'domain.verified' | 'domain.failed'; timestamp: string; data: { event_id: string; domain_id: string | null; domain: string | null; problems: string[] } }
  | { type: 'webhook.test'; timestamp: string; data: { event_id: string; webhook_id: string } };

/** Request headers as Node's http module (string or string[] values) or fetch (Headers) give them. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

/**
 * Checks a delivery's Standard Webhooks signature (webhook-id, webhook-timestamp within five minutes,
 * webhook-signature: HMAC-SHA256 keyed with the endpoint's `whsec_…` secret; during a secret rotation
 * either signature passes) over the raw body exactly as received, and returns the event. Throws
 * WebhookVerificationError when anything does not match: never parse a body you have not verified.
 */
export function verifyWebhook(payload: string | Uint8Array, headers: WebhookHeaders, secret: string): HeraldWebhookEvent {
  const body = typeof payload === 'string' ? payload : Buffer.from(payload).toString('utf8');
  return new Webhook(secret).verify(body, lowerCased(headers)) as HeraldWebhookEvent;
}

function lowerCased(headers: WebhookHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  if (headers instanceof Headers) {
    headers.forEach((value, name) => (out[name] = value));
    return out;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
