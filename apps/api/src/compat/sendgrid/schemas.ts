import { z } from 'zod';
import { MESSAGE_RULES, type Mailbox, type SendRequest } from '@herald/core';
import { mailbox } from '../../schemas/mailbox.ts';
import { attachment, checkCustomHeaders, decodeAttachments, subjectText } from '../../schemas/send-message.ts';
import { ignored, unsupported } from '../unsupported.ts';

/** SendGrid's limit of personalizations per request. */
export const MAX_PERSONALIZATIONS = 1000;

const NO_TEMPLATES = 'templates are not served by the SendGrid-compatible endpoint; send content';
const sendAt = z.number().int().positive().describe('Unix time in seconds');
const emailObject = mailbox;
const emailList = z.array(emailObject);
const stringRecord = z.record(z.string(), z.string());

const personalization = z
  .object({
    to: emailList.min(1, 'at least one recipient is required'),
    cc: emailList.optional(),
    bcc: emailList.optional(),
    from: emailObject.optional(),
    subject: subjectText.optional(),
    headers: stringRecord.optional(),
    substitutions: stringRecord.optional().describe('Each key is replaced by its value in the subject and content, for this personalization only'),
    custom_args: stringRecord.optional(),
    send_at: sendAt.optional(),
    dynamic_template_data: unsupported(NO_TEMPLATES),
  })
  .strict();

/** POST /v3/mail/send as SendGrid takes it; what Herald cannot do is refused by name, never dropped. */
export const sendgridMail = z
  .object({
    personalizations: z.array(personalization).min(1, 'at least one personalization').max(MAX_PERSONALIZATIONS, `at most ${MAX_PERSONALIZATIONS} personalizations`),
    from: emailObject,
    reply_to: emailObject.optional(),
    reply_to_list: emailList.optional(),
    subject: subjectText.optional(),
    content: z
      .array(z.object({ type: z.enum(['text/plain', 'text/html'], 'must be text/plain or text/html'), value: z.string().min(1) }).strict())
      .min(1, 'text/plain or text/html content is required')
      .max(2),
    attachments: z
      .array(
        z
          .object({
            content: attachment.shape.content,
            filename: attachment.shape.filename,
            type: attachment.shape.content_type,
            disposition: z.enum(['attachment', 'inline']).optional(),
            content_id: attachment.shape.content_id,
          })
          .strict(),
      )
      .max(MESSAGE_RULES.maxAttachments, `at most ${MESSAGE_RULES.maxAttachments} attachments`)
      .optional(),
    categories: z.array(z.string().regex(MESSAGE_RULES.tag, MESSAGE_RULES.tagRule)).max(MESSAGE_RULES.maxTags, `at most ${MESSAGE_RULES.maxTags} categories`).optional(),
    custom_args: stringRecord.optional(),
    send_at: sendAt.optional(),
    headers: stringRecord.optional(),
    tracking_settings: ignored('Herald does not track opens or clicks, nor rewrite links'),
    template_id: unsupported(NO_TEMPLATES),
    sections: unsupported(NO_TEMPLATES),
    asm: unsupported('unsubscribe groups do not exist in Herald'),
    ip_pool_name: unsupported('Herald has no IP pools'),
    batch_id: unsupported('Herald has no scheduled-send batches: cancel each message (POST /v1/messages/{id}/cancel)'),
    mail_settings: unsupported('sandbox mode, footers and bypass settings are not available; use a test key (hk_test_…) for sandbox sending'),
  })
  .strict()
  .superRefine((body, ctx) => {
    body.personalizations.forEach((p, i) => {
      if (p.subject === undefined && body.subject === undefined) ctx.addIssue({ code: 'custom', path: ['personalizations', i, 'subject'], message: 'a subject is required (here or at the top level)' });
      checkCustomHeaders({ ...body.headers, ...p.headers }, ctx, ['personalizations', i, 'headers']);
    });
    const types = body.content.map((c) => c.type);
    if (new Set(types).size !== types.length) ctx.addIssue({ code: 'custom', path: ['content'], message: 'each type at most once' });
  })
  .meta({ id: 'SendGridMailSendRequest' });

export type SendgridMail = z.output<typeof sendgridMail>;

export const sendgridError = z
  .object({ errors: z.array(z.object({ message: z.string(), field: z.string().nullable(), help: z.string().nullable() })) })
  .meta({ id: 'SendGridErrors' });

export function sendgridErrors(...statuses: number[]): Record<number, typeof sendgridError> {
  return Object.fromEntries(statuses.map((s) => [s, sendgridError]));
}

/** Every key of `substitutions` replaced by its value (plain text, no patterns). */
function substitute(text: string | undefined, substitutions: Record<string, string>): string | undefined {
  if (text === undefined) return undefined;
  return Object.entries(substitutions).reduce((out, [key, value]) => (key ? out.split(key).join(value) : out), text);
}

const seconds = (s: number | undefined) => (s === undefined ? undefined : new Date(s * 1000));

/** One SendRequest per personalization: its own recipients, subject, substitutions, headers, custom_args and send_at over the top level's. */
export function sendgridToSendRequests(body: SendgridMail): SendRequest[] {
  const text = body.content.find((c) => c.type === 'text/plain')?.value;
  const html = body.content.find((c) => c.type === 'text/html')?.value;
  const attachments = decodeAttachments(
    (body.attachments ?? []).map((a) => ({ filename: a.filename, content: a.content, content_type: a.type, content_id: a.disposition === 'inline' ? a.content_id : undefined })),
  );
  const replyTo: Mailbox[] = body.reply_to_list ?? (body.reply_to ? [body.reply_to] : []);
  return body.personalizations.map((p) => {
    const subs = p.substitutions ?? {};
    return {
      from: p.from ?? body.from,
      to: p.to,
      cc: p.cc ?? [],
      bcc: p.bcc ?? [],
      replyTo,
      subject: substitute(p.subject ?? body.subject, subs) ?? '',
      text: substitute(text, subs),
      html: substitute(html, subs),
      headers: Object.entries({ ...body.headers, ...p.headers }),
      attachments,
      tags: body.categories ?? [],
      metadata: { ...body.custom_args, ...p.custom_args },
      sendAt: seconds(p.send_at ?? body.send_at),
    };
  });
}
