import { z } from 'zod';
import { MESSAGE_RULES, type SendRequest } from '@herald/core';
import { mailbox, mailboxList } from '../../schemas/mailbox.ts';
import { attachment, checkCustomHeaders, decodeAttachments, subjectText } from '../../schemas/send-message.ts';
import { unsupported } from '../unsupported.ts';
import { idempotencyHeaders } from '../../schemas/messages.ts';

/** Resend's batch limit. */
export const MAX_RESEND_BATCH = 100;

const tag = z
  .object({
    name: z.string().regex(MESSAGE_RULES.metadataKey, `must be 1-40 letters, digits, _, . or - (it becomes a metadata key)`),
    value: z.string().max(MESSAGE_RULES.maxMetadataValueLength, `must be at most ${MESSAGE_RULES.maxMetadataValueLength} characters`),
  })
  .strict();

/** POST /emails as Resend takes it; what Herald cannot do is refused by name, never dropped. */
export const resendEmail = z
  .object({
    from: mailbox,
    to: mailboxList,
    subject: subjectText,
    cc: mailboxList.optional(),
    bcc: mailboxList.optional(),
    reply_to: mailboxList.optional(),
    html: z.string().optional(),
    text: z.string().optional(),
    headers: z.record(z.string(), z.string()).optional(),
    attachments: z
      .array(attachment.extend({ path: unsupported('Herald never fetches files or URLs: send the file as base64 content') }).strict())
      .max(MESSAGE_RULES.maxAttachments, `at most ${MESSAGE_RULES.maxAttachments} attachments`)
      .optional(),
    tags: z
      .array(tag)
      .max(MESSAGE_RULES.maxMetadataKeys, `at most ${MESSAGE_RULES.maxMetadataKeys} tags`)
      .optional()
      .describe("Name/value pairs, stored as the message's metadata (name → value)"),
    scheduled_at: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z (natural language such as "in 1 min" is not read)' })
      .optional(),
    template: unsupported('templates are not served by the Resend-compatible endpoint; send html or text'),
    topic_id: unsupported('topics (Resend audiences) do not exist in Herald'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.text === undefined && body.html === undefined) ctx.addIssue({ code: 'custom', path: ['html'], message: 'html or text is required' });
    if (body.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient is required' });
    const names = (body.tags ?? []).map((t) => t.name);
    names.forEach((name, i) => {
      if (names.indexOf(name) !== i) ctx.addIssue({ code: 'custom', path: ['tags', i, 'name'], message: `${name} is given twice` });
    });
    checkCustomHeaders(body.headers, ctx, ['headers']);
  })
  .meta({ id: 'ResendSendEmailRequest' });

export type ResendEmail = z.output<typeof resendEmail>;

export const resendBatch = z
  .array(resendEmail)
  .min(1, 'at least one email')
  .max(MAX_RESEND_BATCH, `at most ${MAX_RESEND_BATCH} emails`)
  .meta({ id: 'ResendBatchRequest' });

/** Resend's Idempotency-Key follows Herald's own rule (one rule, one place). */
export const resendIdempotencyHeaders = idempotencyHeaders;

export const resendCreated = z.object({ id: z.string().describe('Herald message id (msg_…)') }).meta({ id: 'ResendCreatedEmail' });

export const resendBatchCreated = z.object({ data: z.array(resendCreated) }).meta({ id: 'ResendBatchCreated' });

export const resendError = z
  .object({ statusCode: z.number().int(), name: z.string(), message: z.string() })
  .meta({ id: 'ResendError' });

/** Response schemas for the error statuses a Resend route can answer with. */
export function resendErrors(...statuses: number[]): Record<number, typeof resendError> {
  return Object.fromEntries(statuses.map((s) => [s, resendError]));
}

export const resendEmailParams = z.object({ id: z.string().describe('Herald message id (msg_…)') });

/** A Resend email as core's SendRequest: tags become metadata, scheduled_at the send time. */
export function resendToSendRequest(body: ResendEmail): SendRequest {
  return {
    from: body.from,
    to: body.to,
    cc: body.cc ?? [],
    bcc: body.bcc ?? [],
    replyTo: body.reply_to ?? [],
    subject: body.subject,
    text: body.text,
    html: body.html,
    headers: Object.entries(body.headers ?? {}),
    attachments: decodeAttachments(body.attachments),
    tags: [],
    metadata: Object.fromEntries((body.tags ?? []).map((t) => [t.name, t.value])),
    sendAt: body.scheduled_at ? new Date(body.scheduled_at) : undefined,
  };
}
