import { z } from 'zod';
import { EventType, MessageStatus, RecipientKind, RecipientStatus } from '@herald/core';
import { mailbox, mailboxList } from './mailbox.ts';

const LINE_BREAK = /[\r\n\u0085\u2028\u2029\v\f]/;

/** The recipient limit (HERALD_MAX_RECIPIENTS) is configuration, so the route checks it, not the schema. */
export const sendMessageBody = z
    .object({
      from: mailbox,
      to: mailboxList,
      cc: mailboxList.optional(),
      bcc: mailboxList.optional(),
      subject: z
        .string()
        .max(998, 'must be at most 998 characters')
        .refine((s) => !LINE_BREAK.test(s), 'must not contain line breaks'),
      text: z.string().optional(),
      html: z.string().optional(),
    })
    .strict()
    .superRefine((body, ctx) => {
      if (body.text === undefined && body.html === undefined) {
        ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html is required' });
      }
      if (body.to.length === 0) {
        ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient is required' });
      }
    })
    .meta({ id: 'SendMessageRequest' });

export const acceptedMessage = z
  .object({
    id: z.string().describe('Message id (msg_…)'),
    status: z.literal('queued'),
    recipients: z.array(z.object({ email: z.string(), status: z.literal('queued') })),
  })
  .meta({ id: 'AcceptedMessage' });

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
    mx_host: z.string().nullable(),
    mx_ip: z.string().nullable(),
    tls: z.object({ version: z.string().nullable(), cipher: z.string().nullable(), verified: z.boolean().nullable() }).nullable(),
    duration_ms: z.number().int().nullable(),
  })
  .meta({ id: 'MessageEvent' });

export const messageView = z
  .object({
    id: z.string(),
    status: z.enum(MessageStatus),
    from: z.object({ email: z.string(), name: z.string().nullable() }),
    subject: z.string(),
    message_id: z.string().describe('The Message-ID header, without angle brackets'),
    size: z.number().int(),
    created_at: z.string(),
    recipients: z.array(
      z.object({
        email: z.string(),
        kind: z.enum(RecipientKind),
        status: z.enum(RecipientStatus),
        attempts: z.number().int(),
        last_reply: smtpReply,
        next_attempt_at: z.string().nullable(),
      }),
    ),
    events: z.array(messageEvent),
  })
  .meta({ id: 'Message' });
