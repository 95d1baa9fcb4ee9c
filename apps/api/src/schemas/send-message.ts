import { z } from 'zod';
import { customHeaderProblem, LINE_BREAK, MAX_CUSTOM_HEADERS, MESSAGE_RULES, type Attachment, type SendRequest } from '@herald/core';
import { mailbox, mailboxList } from './mailbox.ts';
import { sendTemplate } from './templates.ts';
import { readPlainBatch, readPlainSendMessage } from './plain-send-message.ts';
import { withFastPath } from './validator-compiler.ts';

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
// a linear check (the grouped form recursed past the stack on attachments of tens of MB)
const BASE64_CHARS = /^[A-Za-z0-9+/]*={0,2}$/;
const BASE64_RULE = 'must be base64 (no line breaks or spaces); files are sent as content, never as paths or URLs';

export const attachment = z
  .object({
    filename: z
      .string()
      .min(1)
      .max(255)
      .refine((s) => !CONTROL.test(s) && !LINE_BREAK.test(s), 'must not contain line breaks or control characters')
      .refine((s) => !/[/\\]/.test(s), 'must be a file name, not a path'),
    content: z.string().regex(BASE64_CHARS, BASE64_RULE).refine((s) => s.length % 4 === 0, BASE64_RULE),
    content_type: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/, 'must be a MIME type such as application/pdf')
      .optional(),
    content_id: z
      .string()
      .regex(/^[A-Za-z0-9._@-]{1,100}$/, 'must be 1-100 letters, digits, dots, dashes, underscores or @')
      .optional()
      .describe('Makes the attachment inline: reference it from the HTML as cid:<content_id>'),
  })
  .strict()
  .meta({ id: 'Attachment' });

/** A Subject: one line, at most MESSAGE_RULES.maxSubjectLength characters. */
export const subjectText = z
  .string()
  .max(MESSAGE_RULES.maxSubjectLength, `must be at most ${MESSAGE_RULES.maxSubjectLength} characters`)
  .refine((s) => !LINE_BREAK.test(s), 'must not contain line breaks');

/** Custom headers (name to value): how many, and each name and value by core's rules, reported at `path`. */
export function checkCustomHeaders(headers: Record<string, string> | undefined, ctx: z.RefinementCtx, path: (string | number)[]): void {
  const entries = Object.entries(headers ?? {});
  if (entries.length > MAX_CUSTOM_HEADERS) ctx.addIssue({ code: 'custom', path, message: `at most ${MAX_CUSTOM_HEADERS} custom headers` });
  for (const [name, value] of entries) {
    const problem = customHeaderProblem(name, value);
    if (problem) ctx.addIssue({ code: 'custom', path: [...path, name], message: problem.reason });
  }
}

export const sendMessageBody = z
  .object({
    from: mailbox,
    to: mailboxList,
    cc: mailboxList.optional(),
    bcc: mailboxList.optional(),
    reply_to: mailboxList.optional(),
    subject: subjectText.optional().describe('Required unless template is given'),
    text: z.string().optional(),
    html: z.string().optional(),
    template: sendTemplate.optional().describe("A stored template rendered with this message's variables into the subject, html and text (which are then not given)"),
    headers: z
      .record(z.string(), z.string())
      .optional()
      .describe('Custom headers, name to value. Identity, routing and MIME headers (From, To, Message-ID, Content-Type, …) are refused.'),
    attachments: z.array(attachment).max(MESSAGE_RULES.maxAttachments, `at most ${MESSAGE_RULES.maxAttachments} attachments`).optional(),
    tags: z
      .array(z.string().regex(MESSAGE_RULES.tag, MESSAGE_RULES.tagRule))
      .max(MESSAGE_RULES.maxTags, `at most ${MESSAGE_RULES.maxTags} tags`)
      .optional(),
    metadata: z
      .record(
        z.string().regex(MESSAGE_RULES.metadataKey, MESSAGE_RULES.metadataKeyRule),
        z.string().max(MESSAGE_RULES.maxMetadataValueLength, `values must be at most ${MESSAGE_RULES.maxMetadataValueLength} characters`),
      )
      .optional()
      .describe(`At most ${MESSAGE_RULES.maxMetadataKeys} string keys and values; returned with the message and its webhooks`),
    send_at: z.iso
      .datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone, e.g. 2026-12-01T09:00:00Z' })
      .optional()
      .describe(`Send no earlier than this (at most ${MESSAGE_RULES.maxScheduleDays} days ahead); the message is scheduled until then`),
    unsubscribe: z
      .boolean()
      .optional()
      .describe(
        "One-click unsubscribe (RFC 8058): each recipient's copy carries List-Unsubscribe and List-Unsubscribe-Post headers, signed with DKIM. Absent: the sending domain's unsubscribe_default.",
      ),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.template !== undefined) {
      for (const field of ['subject', 'text', 'html'] as const) {
        if (body[field] !== undefined) ctx.addIssue({ code: 'custom', path: [field], message: 'cannot be given with template: the template makes it' });
      }
    } else {
      if (body.subject === undefined) ctx.addIssue({ code: 'custom', path: ['subject'], message: 'subject is required (or a template)' });
      if (body.text === undefined && body.html === undefined) ctx.addIssue({ code: 'custom', path: ['text'], message: 'text or html is required (or a template)' });
    }
    if (body.to.length === 0) ctx.addIssue({ code: 'custom', path: ['to'], message: 'at least one recipient is required' });
    checkCustomHeaders(body.headers, ctx, ['headers']);
  })
  .meta({ id: 'SendMessageRequest' });

export type SendMessageBody = z.output<typeof sendMessageBody>;

export const MAX_BATCH = 500;

export const sendBatchBody = z
  .object({ messages: z.array(sendMessageBody).min(1, 'at least one message').max(MAX_BATCH, `at most ${MAX_BATCH} messages`) })
  .strict()
  .meta({ id: 'SendBatchRequest' });

// the common request is read without zod (plain-send-message.ts); anything else, and every error, is zod's
withFastPath(sendMessageBody, readPlainSendMessage);
withFastPath(sendBatchBody, (data) => readPlainBatch(data, MAX_BATCH));

/** The validated body as core's SendRequest; `plainText`: the body's strings are all printable ASCII (FastifyRequest.plainTextBody). */
export function toSendRequest(body: SendMessageBody, plainText = false): SendRequest {
  return {
    from: body.from,
    to: body.to,
    cc: body.cc ?? [],
    bcc: body.bcc ?? [],
    replyTo: body.reply_to ?? [],
    subject: body.subject ?? '',
    text: body.text,
    html: body.html,
    template: body.template && {
      ...(body.template.id !== undefined ? { id: body.template.id } : { alias: body.template.alias as string }),
      version: body.template.version,
      variables: body.template.variables,
      allowMissing: body.template.allow_missing,
    },
    headers: Object.entries(body.headers ?? {}),
    attachments: decodeAttachments(body.attachments),
    tags: body.tags ?? [],
    metadata: body.metadata ?? {},
    sendAt: body.send_at ? new Date(body.send_at) : undefined,
    unsubscribe: body.unsubscribe,
    plainText,
  };
}

/** Validated attachments (base64 content, Herald's and Resend's field names) as core's. */
export function decodeAttachments(list: z.output<typeof attachment>[] | undefined): Attachment[] {
  return (list ?? []).map((a) => ({
    filename: a.filename,
    content: Buffer.from(a.content, 'base64'),
    contentType: a.content_type,
    contentId: a.content_id,
  }));
}
