import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { messageIdParams, messageView } from '../../../schemas/messages.ts';

/** GET /v1/messages/{id}: status, recipients and the event timeline; 404 for another project's id. */
export function getMessageRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages/:id',
      {
        schema: {
          summary: 'Get a message',
          tags: ['messages'],
          params: messageIdParams,
          response: { 200: messageView, ...errorResponses(401, 404, 503) },
        },
      },
      async (request) => {
        const message = await deps.db.message.findFirst({
          where: { id: request.params.id, projectId: request.auth.projectId },
          include: {
            recipients: { orderBy: { id: 'asc' } },
            events: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
          },
        });
        if (!message) throw new HeraldError('not_found', `no message ${request.params.id}`);
        const reply = (code: number | null, enhanced: string | null, text: string | null) =>
          code === null && text === null ? null : { code, enhanced_code: enhanced, message: text };
        return {
          id: message.id,
          status: message.status,
          from: { email: message.fromEmail, name: message.fromName },
          subject: message.subject,
          message_id: message.messageIdHeader,
          size: message.rawSize,
          created_at: message.createdAt.toISOString(),
          recipients: message.recipients.map((r) => ({
            email: r.email,
            kind: r.kind,
            status: r.status,
            attempts: r.attempts,
            last_reply: reply(r.lastCode, r.lastEnhanced, r.lastReply),
            next_attempt_at: r.nextAttemptAt?.toISOString() ?? null,
          })),
          events: message.events.map((e) => ({
            id: e.id,
            type: e.type,
            recipient: e.email,
            created_at: e.createdAt.toISOString(),
            attempt: e.attempt,
            smtp: reply(e.smtpCode, e.enhancedCode, e.smtpReply),
            mx_host: e.mxHost,
            mx_ip: e.mxIp,
            tls: e.tlsVersion || e.tlsCipher ? { version: e.tlsVersion, cipher: e.tlsCipher, verified: e.tlsVerified } : null,
            duration_ms: e.durationMs,
          })),
        };
      },
    );
  };
}
