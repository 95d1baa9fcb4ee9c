import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { submit } from '@herald/core';
import { z } from 'zod';
import type { AppDeps } from '../../app.ts';
import { intakeFor } from '../../intake.ts';
import { sendgridErrors, sendgridMail, sendgridToSendRequests } from './schemas.ts';

/**
 * POST /sendgrid/v3/mail/send: each personalization becomes a message of its own, all committed
 * together or none; 202 with X-Message-Id (the first message's id; X-Herald-Message-Ids lists them all).
 */
export function sendgridMailSendRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/v3/mail/send',
      {
        schema: {
          operationId: 'sendgridMailSend',
          summary: 'Send mail (SendGrid v3)',
          description: "SendGrid's POST /v3/mail/send. Each personalization is its own message (its recipients, subject, substitutions, headers, custom_args, send_at); categories become tags, custom_args metadata.",
          body: sendgridMail,
          response: { 202: z.null().describe('Empty; X-Message-Id names the first message'), ...sendgridErrors(400, 401, 403, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => {
        const messages = sendgridToSendRequests(request.body);
        const result = await submit(intakeFor(deps, request), request.auth, { kind: 'fields', messages, batch: true }, {
          fieldPrefix: (i) => `personalizations.${i}.`,
          source: 'sendgrid',
        });
        const ids = result.messages.map((m) => m.id);
        void reply.header('x-message-id', ids[0]);
        void reply.header('x-herald-message-ids', ids.join(','));
        // SendGrid answers 202 with an empty body
        return reply.status(202).serializer(() => '').send(null);
      },
    );
  };
}
