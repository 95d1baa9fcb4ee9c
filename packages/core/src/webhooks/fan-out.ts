import type { Db, Prisma } from '../db/client.ts';
import type { Column } from '../db/sql.ts';
import type { EventType } from '../generated/prisma/enums.ts';
import { newId } from '../ids.ts';
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

type Client = Pick<Db, 'webhookEndpoint'> | Prisma.TransactionClient;

/** The project's endpoints that may receive events (enabled and not disabled by Herald). */
export function activeEndpoints(db: Client, projectId: string) {
  return db.webhookEndpoint.findMany({ where: { projectId, enabled: true, disabledAt: null }, select: { id: true, events: true } });
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
        id: newId('webhookDelivery', event.createdAt.getTime()),
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
    },
  };
}

/** The outbox columns the plain-SQL writers fill, and a row of `webhookDeliveries` keyed by them. */
export const WEBHOOK_DELIVERY_COLUMNS: readonly Column[] = [
  ['id', 'text'], ['endpoint_id', 'text'], ['project_id', 'text'], ['event_id', 'text'], ['event_type', 'text'], ['payload', 'jsonb'],
  ['status', '"WebhookDeliveryStatus"'], ['next_attempt_at', 'timestamptz'], ['created_at', 'timestamptz'],
];

export const webhookDeliveryRow = (d: Prisma.WebhookDeliveryCreateManyInput): Record<string, unknown> => ({
  id: d.id, endpoint_id: d.endpointId, project_id: d.projectId, event_id: d.eventId, event_type: d.eventType, payload: d.payload,
  status: d.status, next_attempt_at: d.nextAttemptAt, created_at: d.createdAt,
});
