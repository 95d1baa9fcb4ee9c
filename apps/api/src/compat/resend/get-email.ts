import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findMessage, HeraldError, type MessageDetailRow } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { requireScope } from '../../plugins/require-scope.ts';
import { resendEmailParams, resendErrors } from './schemas.ts';

/** Herald's message status as the `last_event` Resend's clients know. */
const LAST_EVENT: Record<string, string> = {
  scheduled: 'scheduled',
  queued: 'queued',
  sending: 'sent',
  deferred: 'delivery_delayed',
  delivered: 'delivered',
  partially_delivered: 'delivered',
  bounced: 'bounced',
  failed: 'failed',
  suppressed: 'suppressed',
  cancelled: 'canceled',
};

const resendEmailView = z
  .object({
    object: z.literal('email'),
    id: z.string(),
    message_id: z.string(),
    from: z.string(),
    to: z.array(z.string()),
    cc: z.array(z.string()).nullable(),
    bcc: z.array(z.string()).nullable(),
    reply_to: z.array(z.string()).nullable().describe('Always null: Herald keeps it only in the raw message (GET /v1/messages/{id}/raw)'),
    subject: z.string(),
    html: z.string().nullable().describe('Always null: Herald keeps the content only in the raw message'),
    text: z.string().nullable().describe('Always null: Herald keeps the content only in the raw message'),
    created_at: z.string(),
    scheduled_at: z.string().nullable(),
    last_event: z.string(),
    tags: z.array(z.object({ name: z.string(), value: z.string() })),
  })
  .meta({ id: 'ResendEmail' });

function present(m: MessageDetailRow): z.input<typeof resendEmailView> {
  const of = (kind: string) => m.recipients.filter((r) => r.kind === kind).map((r) => r.email);
  const list = (kind: string) => (of(kind).length ? of(kind) : null);
  return {
    object: 'email',
    id: m.id,
    message_id: `<${m.messageIdHeader}>`,
    from: m.fromName ? `${m.fromName} <${m.fromEmail}>` : m.fromEmail,
    to: of('to'),
    cc: list('cc'),
    bcc: list('bcc'),
    reply_to: null,
    subject: m.subject,
    html: null,
    text: null,
    created_at: m.createdAt.toISOString(),
    scheduled_at: m.sendAt?.toISOString() ?? null,
    last_event: LAST_EVENT[m.status] ?? m.status,
    tags: Object.entries((m.metadata ?? {}) as Record<string, string>).map(([name, value]) => ({ name, value })),
  };
}

/** GET /resend/emails/{id}: the message as Resend describes an email; another project's id is 404. */
export function resendGetEmailRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/emails/:id',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'resendGetEmail',
          summary: 'Retrieve an email (Resend)',
          description: "Resend's GET /emails/{id}: addresses, subject, times, the status as last_event, metadata as tags.",
          params: resendEmailParams,
          response: { 200: resendEmailView, ...resendErrors(401, 403, 404, 503) },
        },
      },
      async (request) => {
        const message = await findMessage(deps.db, request.auth.projectId, request.params.id);
        if (!message) throw new HeraldError('not_found', `Email not found: no message ${request.params.id}`);
        return present(message);
      },
    );
  };
}
