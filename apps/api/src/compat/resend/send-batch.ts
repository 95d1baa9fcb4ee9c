import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestHash, submit } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { intakeFor } from '../../intake.ts';
import { resendBatch, resendBatchCreated, resendErrors, resendIdempotencyHeaders, resendToSendRequest } from './schemas.ts';

/** POST /resend/emails/batch: all of the emails or none (Resend's strict validation), committed together. */
export function resendSendBatchRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/emails/batch',
      {
        schema: {
          operationId: 'resendSendBatch',
          summary: 'Send a batch of emails (Resend)',
          description: "Resend's POST /emails/batch, strict: one invalid email refuses the batch (fields named `<index>.<field>`), and nothing is stored.",
          headers: resendIdempotencyHeaders,
          body: resendBatch,
          response: { 200: resendBatchCreated, ...resendErrors(400, 401, 403, 409, 413, 415, 422, 429, 503) },
        },
      },
      async (request) => {
        const key = request.headers['idempotency-key'];
        const result = await submit(intakeFor(deps, request), request.auth, { kind: 'fields', messages: request.body.map(resendToSendRequest), batch: true }, {
          fieldPrefix: (i) => `${i}.`,
          idempotency: key ? { key, hash: requestHash({ resend: request.body }) } : undefined,
          source: 'resend',
        });
        return { data: result.messages.map((m) => ({ id: m.id })) };
      },
    );
  };
}
