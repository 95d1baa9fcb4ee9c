import type { Prisma } from '../db/client.ts';
import type { WEBHOOK_DELIVERIES, RowOf } from '../db/tables.ts';
import type { EventType } from '../generated/prisma/enums.ts';
import { webhookDeliveryId } from '../ids.ts';
import { webhookTypeOf } from './event-types.ts';

/** An event as stored, with what its payload needs. */
export interface EventForWebhook {
  id: string;
  type: EventType;
  createdAt: Date;
  messageId?: string | null;
  email?: string | null;
  attempt?: number | null;
  smtpCode?: number | null;
  enhancedCode?: string | null;
  smtpReply?: string | null;
  category?: string | null;
  mxHost?: string | null;
  domainId?: string | null;
  data?: unknown;
}

export interface MessageForWebhook {
  tags: string[];
  metadata: unknown;
}

/**
 * The outbox rows for these events: one delivery per (subscribed endpoint, event), written in the same
 * transaction as the events, so a delivery is recorded before it is attempted and nothing is lost
 * between the two. The payload is fixed at this point; its id (the event's) stays the same across
 * retries and replays, so receivers can deduplicate.
 */
export function webhookDeliveries(
  endpoints: { id: string; events: string[] }[],
  projectId: string,
  events: EventForWebhook[],
  message?: MessageForWebhook,
): Prisma.WebhookDeliveryCreateManyInput[] {
  if (endpoints.length === 0) return [];
  return events.flatMap((event) => {
    const type = webhookTypeOf(event.type);
    if (!type) return [];
    const payload = payloadOf(type, event, message);
    return endpoints
      .filter((endpoint) => endpoint.events.includes(type))
      .map((endpoint) => ({
        // the same (endpoint, event) always makes the same id: a re-run's delivery is skipped on the primary key
        id: webhookDeliveryId(endpoint.id, event.id),
        endpointId: endpoint.id,
        projectId,
        eventId: event.id,
        eventType: type,
        payload,
        status: 'pending' as const,
        nextAttemptAt: event.createdAt,
        createdAt: event.createdAt,
      }));
  });
}

/** The JSON a receiver gets: { type, timestamp, data }. Documented in docs/webhooks.md. */
function payloadOf(type: string, event: EventForWebhook, message?: MessageForWebhook): Prisma.InputJsonValue {
  const base = { event_id: event.id };
  if (type.startsWith('domain.')) {
    const data = (event.data ?? {}) as { domain?: string; problems?: string[] };
    return { type, timestamp: event.createdAt.toISOString(), data: { ...base, domain_id: event.domainId ?? null, domain: data.domain ?? null, problems: data.problems ?? [] } };
  }
  return {
    type,
    timestamp: event.createdAt.toISOString(),
    data: {
      ...base,
      message_id: event.messageId ?? null,
      recipient: event.email ?? null,
      tags: message?.tags ?? [],
      metadata: (message?.metadata ?? {}) as Prisma.InputJsonValue,
      attempt: event.attempt ?? null,
      smtp: event.smtpCode == null && event.smtpReply == null ? null : { code: event.smtpCode ?? null, enhanced_code: event.enhancedCode ?? null, message: event.smtpReply ?? null },
      category: event.category ?? null,
      mx_host: event.mxHost ?? null,
      ...feedbackFields(event.data),
    },
  };
}

/**
 * What an event learned from a receiver's later report carries into its webhook: `async: true` and the
 * DSN's fields on a late bounce or a delay, the report's id, a complaint's feedback type, how a
 * recipient unsubscribed. Events of delivery attempts carry none of these.
 */
function feedbackFields(data: unknown): Record<string, Prisma.InputJsonValue> {
  if (!data || typeof data !== 'object') return {};
  const fields: Record<string, Prisma.InputJsonValue> = {};
  for (const key of ['async', 'dsn', 'report_id', 'feedback_type', 'method'] as const) {
    const value = (data as Record<string, unknown>)[key];
    if (value !== undefined && value !== null) fields[key] = value;
  }
  return fields;
}

/** An outbox row as the plain-SQL writers insert it (every column of WEBHOOK_DELIVERIES), from a row of `webhookDeliveries`. */
export const webhookDeliveryRow = (d: Prisma.WebhookDeliveryCreateManyInput): RowOf<typeof WEBHOOK_DELIVERIES, keyof typeof WEBHOOK_DELIVERIES.columns> => ({
  id: d.id, endpoint_id: d.endpointId, project_id: d.projectId, event_id: d.eventId ?? null, event_type: d.eventType, payload: d.payload,
  // webhookDeliveries sets every one of these, with Dates
  status: d.status ?? 'pending', next_attempt_at: (d.nextAttemptAt as Date | null) ?? null, created_at: d.createdAt as Date,
});
