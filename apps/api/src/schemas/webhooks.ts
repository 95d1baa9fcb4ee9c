import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES, WebhookDeliveryStatus } from '@herald/core';

const events = z.array(z.enum(WEBHOOK_EVENT_TYPES)).min(1, 'at least one event type').describe(`Any of ${WEBHOOK_EVENT_TYPES.join(', ')}`);

export const createWebhookBody = z
  .object({
    url: z.string().max(2048).describe('https:// URL (http:// only with HERALD_WEBHOOK_ALLOW_HTTP); internal addresses are refused'),
    events,
    enabled: z.boolean().default(true),
    description: z.string().max(500).optional(),
  })
  .strict()
  .meta({ id: 'CreateWebhookRequest' });

export const updateWebhookBody = z
  .object({ url: z.string().max(2048).optional(), events: events.optional(), enabled: z.boolean().optional(), description: z.string().max(500).nullable().optional() })
  .strict()
  .meta({ id: 'UpdateWebhookRequest' });

export const webhookIdParams = z.object({ id: z.string().describe('Webhook id (wh_…)') });
export const deliveryParams = z.object({ id: z.string().describe('Webhook id (wh_…)'), delivery_id: z.string().describe('Delivery id (whd_…)') });

export const webhookView = z
  .object({
    id: z.string(),
    url: z.string(),
    description: z.string().nullable(),
    events: z.array(z.string()),
    enabled: z.boolean(),
    disabled_at: z.string().nullable().describe('Set when Herald disabled the endpoint (410 Gone, or failing for days); enable it again with PATCH'),
    disabled_reason: z.string().nullable(),
    failing_since: z.string().nullable(),
    previous_secret_expires_at: z.string().nullable().describe('During a secret rotation, until when the old secret also signs'),
    created_at: z.string(),
  })
  .meta({ id: 'Webhook' });

export const createdWebhook = z
  .object({ ...webhookView.shape, secret: z.string().describe('The signing secret (whsec_…), shown this once') })
  .meta({ id: 'CreatedWebhook' });

export const webhookList = z.object({ data: z.array(webhookView) }).meta({ id: 'WebhookList' });

export const deliveryView = z
  .object({
    id: z.string(),
    event_id: z.string().nullable().describe('The webhook-id header: the same on every attempt and replay'),
    event_type: z.string(),
    status: z.enum(WebhookDeliveryStatus),
    attempts: z.number().int(),
    response_code: z.number().int().nullable(),
    error: z.string().nullable(),
    duration_ms: z.number().int().nullable(),
    next_attempt_at: z.string().nullable(),
    last_attempt_at: z.string().nullable(),
    created_at: z.string(),
  })
  .meta({ id: 'WebhookDelivery' });

export const deliveryList = z.object({ data: z.array(deliveryView), next_cursor: z.string().nullable() }).meta({ id: 'WebhookDeliveryList' });

export const listDeliveriesQuery = z
  .object({ limit: z.coerce.number().int().min(1).max(100).default(20), cursor: z.string().max(200).optional(), status: z.enum(WebhookDeliveryStatus).optional() })
  .strict();

export const replayBody = z
  .object({
    since: z.iso.datetime({ offset: true }).describe('Deliveries created at or after this time…'),
    until: z.iso.datetime({ offset: true }).describe('…and before this one are sent again'),
  })
  .strict()
  .meta({ id: 'ReplayWebhookRequest' });

export const secretView = z.object({ secret: z.string(), previous_secret_expires_at: z.string() }).meta({ id: 'RotatedWebhookSecret' });
