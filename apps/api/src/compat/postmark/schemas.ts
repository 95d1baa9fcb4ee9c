import { z } from 'zod';
import { MESSAGE_RULES, parseMailbox, splitAddressList, type Mailbox, type SendRequest } from '@herald/core';
import { attachment, checkCustomHeaders, decodeAttachments, subjectText } from '../../schemas/send-message.ts';
import { ignored } from '../unsupported.ts';

/** Postmark's batch limit. */
export const MAX_POSTMARK_BATCH = 500;

/** Postmark's default transactional stream: the same as none. */
export const DEFAULT_STREAM = 'outbound';

/** "Ann <a@x.example>, b@y.example" (Postmark's comma-separated lists), each mailbox parsed by core's rules. */
const addressList = z
  .string()
  .max(20_000)
  .transform((text, ctx): Mailbox[] =>
    splitAddressList(text).map((entry, i) => {
      const parsed = parseMailbox(entry);
      if (parsed.ok) return parsed.mailbox;
      ctx.addIssue({ code: 'custom', path: [i], message: parsed.reason });
      return { email: '' };
    }),
  );

const postmarkAttachment = z
  .object({
    Name: attachment.shape.filename,
    Content: attachment.shape.content,
    ContentType: attachment.shape.content_type,
    ContentID: z
      .string()
      .nullable()
      .optional()
      // Postmark's clients send "" or null for a plain attachment
      .transform((s) => (s ? s.replace(/^cid:/i, '') : undefined))
      .pipe(attachment.shape.content_id)
      .describe('Makes the attachment inline: cid:<ContentID> in the HTML'),
    ContentLength: ignored('the length is read from Content'),
  })
  .strict();

/** The fields every Postmark send takes, with or without a template. */
const commonFields = {
  From: z.string().transform((value, ctx): Mailbox => {
    const parsed = parseMailbox(splitAddressList(value)[0] ?? value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.reason });
    return parsed.ok ? parsed.mailbox : { email: '' };
  }),
  To: addressList,
  Cc: addressList.optional(),
  Bcc: addressList.optional(),
  Tag: z.string().regex(MESSAGE_RULES.tag, MESSAGE_RULES.tagRule).optional().describe('Becomes the message\'s one tag'),
  ReplyTo: addressList.optional(),
  Metadata: z.record(z.string(), z.string()).optional(),
  Headers: z.array(z.object({ Name: z.string(), Value: z.string() }).strict()).optional(),
  Attachments: z.array(postmarkAttachment).max(MESSAGE_RULES.maxAttachments, `at most ${MESSAGE_RULES.maxAttachments} attachments`).optional(),
  MessageStream: z
    .string()
    .regex(/^[a-z0-9-]{1,30}$/, 'must be a stream id (lower-case letters, digits, -)')
    .optional()
    .describe(`"${DEFAULT_STREAM}" (the default) or another stream id, kept as metadata message_stream`),
  TrackOpens: ignored('Herald does not track opens'),
  TrackLinks: ignored('Herald does not rewrite links'),
};

type CommonFields = z.output<z.ZodObject<typeof commonFields>>;

/** The rules across the common fields: a recipient, custom headers by core's rules, MessageStream kept in one place. */
function checkCommon(body: CommonFields, ctx: z.RefinementCtx): void {
  if (body.To.length === 0) ctx.addIssue({ code: 'custom', path: ['To'], message: 'at least one recipient is required' });
  const headers = body.Headers ?? [];
  checkCustomHeaders(Object.fromEntries(headers.map((h) => [h.Name, h.Value])), ctx, ['Headers']);
  if (body.Metadata && 'message_stream' in body.Metadata && body.MessageStream && body.MessageStream !== DEFAULT_STREAM) {
    ctx.addIssue({ code: 'custom', path: ['Metadata', 'message_stream'], message: 'is where MessageStream is kept: give one or the other' });
  }
}

/** POST /email as Postmark takes it; what Herald cannot do is refused by name, never dropped. */
export const postmarkEmail = z
  .object({
    ...commonFields,
    Subject: subjectText,
    HtmlBody: z.string().optional(),
    TextBody: z.string().optional(),
    InlineCss: ignored('there are no templates on this endpoint'),
  })
  .strict()
  .superRefine((body, ctx) => {
    if (body.HtmlBody === undefined && body.TextBody === undefined) ctx.addIssue({ code: 'custom', path: ['TextBody'], message: 'TextBody or HtmlBody is required' });
    checkCommon(body, ctx);
  })
  .meta({ id: 'PostmarkSendEmailRequest' });

/** POST /email/withTemplate as Postmark takes it: a Herald template (by id or alias) rendered with TemplateModel. */
export const postmarkTemplatedEmail = z
  .object({
    ...commonFields,
    TemplateId: z
      .union([z.string().max(100), z.number().int()])
      .optional()
      .describe('A Herald template id (tpl_…); Postmark\'s numeric ids name no Herald template (ErrorCode 1101)'),
    TemplateAlias: z.string().max(100).optional().describe('A Herald template alias'),
    TemplateModel: z.record(z.string(), z.unknown()).describe('The template\'s variables; a missing one prints as nothing, as on Postmark'),
    InlineCss: ignored("Herald always inlines a template's <style> rules"),
  })
  .strict()
  .superRefine((body, ctx) => {
    if ((body.TemplateId === undefined) === (body.TemplateAlias === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['TemplateId'], message: 'give exactly one of TemplateId and TemplateAlias' });
    }
    checkCommon(body, ctx);
  })
  .meta({ id: 'PostmarkSendEmailWithTemplateRequest' });

export type PostmarkTemplatedEmail = z.output<typeof postmarkTemplatedEmail>;

export type PostmarkEmail = z.output<typeof postmarkEmail>;

const batchItems = (each: string) =>
  z
    .array(z.record(z.string(), z.unknown()))
    .min(1, 'at least one message')
    .max(MAX_POSTMARK_BATCH, `at most ${MAX_POSTMARK_BATCH} messages`)
    .describe(`Each item is a ${each}; each is validated and sent on its own, with its own result`);

export const postmarkBatch = batchItems('PostmarkSendEmailRequest');

/** POST /email/batchWithTemplates: `{ Messages: [...] }`. */
export const postmarkTemplatedBatch = z
  .object({ Messages: batchItems('PostmarkSendEmailWithTemplateRequest') })
  .strict()
  .meta({ id: 'PostmarkSendBatchWithTemplatesRequest' });

export const postmarkSent = z
  .object({ To: z.string(), SubmittedAt: z.string(), MessageID: z.string(), ErrorCode: z.literal(0), Message: z.literal('OK') })
  .meta({ id: 'PostmarkSendEmailResponse' });

export const postmarkError = z.object({ ErrorCode: z.number().int(), Message: z.string() }).meta({ id: 'PostmarkError' });

/** One result of a batch: sent, or its own error. */
export const postmarkBatchResults = z.array(z.union([postmarkSent, postmarkError])).meta({ id: 'PostmarkBatchResponse' });

/** Response schemas for the error statuses a Postmark route can answer with. */
export function postmarkErrors(...statuses: number[]): Record<number, typeof postmarkError> {
  return Object.fromEntries(statuses.map((s) => [s, postmarkError]));
}

/**
 * A Postmark email, with or without a template, as core's SendRequest: Tag becomes the one tag, a
 * stream other than "outbound" metadata; a template is rendered by intake with TemplateModel.
 */
export function postmarkToSendRequest(body: PostmarkEmail | PostmarkTemplatedEmail): SendRequest {
  const stream: Record<string, string> = body.MessageStream && body.MessageStream !== DEFAULT_STREAM ? { message_stream: body.MessageStream } : {};
  const content =
    'TemplateModel' in body
      ? {
          subject: '',
          template: {
            ...(body.TemplateAlias !== undefined ? { alias: body.TemplateAlias } : { id: String(body.TemplateId) }),
            variables: body.TemplateModel,
            allowMissing: true,
          },
        }
      : { subject: body.Subject, text: body.TextBody, html: body.HtmlBody };
  return {
    from: body.From,
    to: body.To,
    cc: body.Cc ?? [],
    bcc: body.Bcc ?? [],
    replyTo: body.ReplyTo ?? [],
    ...content,
    headers: (body.Headers ?? []).map((h) => [h.Name, h.Value]),
    attachments: decodeAttachments(
      (body.Attachments ?? []).map((a) => ({ filename: a.Name, content: a.Content, content_type: a.ContentType, content_id: a.ContentID })),
    ),
    tags: body.Tag ? [body.Tag] : [],
    metadata: { ...body.Metadata, ...stream },
    sendAt: undefined,
  };
}
