import { z } from 'zod';
import { EventType, MESSAGE_RULES, MessageStatus, RecipientKind, RecipientStatus } from '@herald/core';

export const acceptedMessage = z
  .object({
    id: z.string().describe('Message id (msg_…)'),
    status: z.enum(MessageStatus).describe('queued, scheduled (send_at in the future) or suppressed (every recipient suppressed)'),
    recipients: z.array(z.object({ email: z.string(), status: z.enum(RecipientStatus) })),
  })
  .meta({ id: 'AcceptedMessage' });

export const acceptedBatch = z.object({ data: z.array(acceptedMessage) }).meta({ id: 'AcceptedBatch' });

export const idempotencyHeaders = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(256, 'must be at most 256 characters')
    .regex(/^[\x21-\x7e]+$/, 'must be printable ASCII without spaces')
    .optional()
    .describe('Sending the same request again with the same key answers with the first result and sends nothing'),
});

export const messageIdParams = z.object({ id: z.string().describe('Message id (msg_…)') });

const smtpReply = z
  .object({ code: z.number().int().nullable(), enhanced_code: z.string().nullable(), message: z.string().nullable() })
  .nullable();

export const messageEvent = z
  .object({
    id: z.string(),
    type: z.enum(EventType),
    recipient: z.string().nullable(),
    created_at: z.string(),
    attempt: z.number().int().nullable(),
    smtp: smtpReply,
    category: z.string().nullable().describe('Why a bounce or deferral happened (bad-mailbox, mailbox-full, policy, dns, …)'),
    mx_host: z.string().nullable(),
    mx_ip: z.string().nullable(),
    tls: z.object({ version: z.string().nullable(), cipher: z.string().nullable(), verified: z.boolean().nullable() }).nullable(),
    duration_ms: z.number().int().nullable(),
    dkim: z
      .array(z.object({ domain: z.string().describe('d='), selector: z.string().describe('s='), algorithm: z.string().describe('a=: rsa-sha256 or ed25519-sha256') }))
      .describe("The DKIM signatures the attempt's copy carried, one per key of the sending domain that signed it; empty for events that are not delivery attempts, or an attempt decided before signing"),
    report_id: z.string().nullable().describe('The notification this event was learned from (a late bounce, a delay, a complaint…): GET /v1/messages/{id}/reports/{report_id}'),
  })
  .meta({ id: 'MessageEvent' });

const mailboxView = z.object({ email: z.string(), name: z.string().nullable() });

const messageFields = {
  id: z.string(),
  status: z.enum(MessageStatus),
  from: mailboxView,
  subject: z.string(),
  tags: z.array(z.string()),
  metadata: z.record(z.string(), z.string()),
  created_at: z.string(),
  send_at: z.string().nullable(),
  unsubscribe: z.boolean().describe('Whether each recipient gets one-click unsubscribe headers (asked for, or the domain default when the send did not say)'),
};

const recipientView = z.object({
  email: z.string(),
  kind: z.enum(RecipientKind),
  status: z.enum(RecipientStatus),
  attempts: z.number().int(),
  last_reply: smtpReply,
  next_attempt_at: z.string().nullable(),
});

export const messageSummary = z
  .object({ ...messageFields, recipients: z.array(z.object({ email: z.string(), status: z.enum(RecipientStatus) })) })
  .meta({ id: 'MessageSummary' });

export const messageView = z
  .object({
    ...messageFields,
    message_id: z.string().describe('The Message-ID header, without angle brackets'),
    size: z.number().int().describe('Size of the raw message in bytes'),
    template: z
      .object({
        id: z.string(),
        version: z.number().int(),
        layout: z
          .object({ id: z.string(), version: z.number().int() })
          .nullable()
          .describe('The layout that wrapped the HTML and the number of its version used (its published one at the time); null without a layout'),
      })
      .nullable()
      .describe('The template and version the message was rendered from (kept after the template is deleted)'),
    recipients: z.array(recipientView),
    events: z.array(messageEvent),
  })
  .meta({ id: 'Message' });

export const messageList = z
  .object({ data: z.array(messageSummary), next_cursor: z.string().nullable().describe('Pass as cursor for the next page; null on the last') })
  .meta({ id: 'MessageList' });

export const eventList = z.object({ data: z.array(messageEvent) }).meta({ id: 'EventList' });

export const listMessagesQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    cursor: z.string().max(200).optional(),
    status: z.enum(MessageStatus).optional(),
    tag: z.string().regex(MESSAGE_RULES.tag, MESSAGE_RULES.tagRule).optional(),
    recipient: z.string().max(254).optional().describe('Messages sent to this address'),
    subject: z.string().min(1).max(200).optional().describe('Messages whose subject contains this text (case-insensitive)'),
    created_after: z.iso.datetime({ offset: true }).optional(),
    created_before: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
