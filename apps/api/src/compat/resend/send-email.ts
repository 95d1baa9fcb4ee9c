import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestHash, submit } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { intakeFor } from '../../intake.ts';
import { resendCreated, resendEmail, resendErrors, resendIdempotencyHeaders, resendToSendRequest } from './schemas.ts';

/** POST /resend/emails: Resend's send, through Herald's one intake; 200 with the id only after the commit. */
export function resendSendEmailRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/emails',
      {
        schema: {
          operationId: 'resendSendEmail',
          summary: 'Send an email (Resend)',
          description: "Resend's POST /emails. Tags become metadata; scheduled_at schedules the message; an Idempotency-Key answers a repeat with the first id.",
          headers: resendIdempotencyHeaders,
          body: resendEmail,
          response: { 200: resendCreated, ...resendErrors(400, 401, 403, 409, 413, 415, 422, 429, 503) },
        },
      },
      async (request) => {
        const key = request.headers['idempotency-key'];
        const result = await submit(intakeFor(deps, request), request.auth, { kind: 'fields', messages: [resendToSendRequest(request.body)], batch: false }, {
          fieldPrefix: () => '',
          idempotency: key ? { key, hash: requestHash({ resend: request.body }) } : undefined,
          source: 'resend',
        });
        return { id: (result.messages[0] as { id: string }).id };
      },
    );
  };
}
