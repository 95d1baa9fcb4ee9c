import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestHash, submit, type IntakeRequest } from '@herald/core';
import type { z } from 'zod';
import type { AppDeps } from '../../../app.ts';
import { takeBody } from '../../../input/take-body.ts';
import { intakeFor } from '../../../intake.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { acceptedBatch, idempotencyHeaders } from '../../../schemas/messages.ts';
import { MAX_BATCH, sendBatchBody, toSendRequest } from '../../../schemas/send-message.ts';

/** POST /v1/messages/batch: up to 500 messages, validated as a whole and committed in one transaction. */
export function createBatchRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/messages/batch',
      {
        preHandler: requireScope('messages:send'),
        schema: {
          operationId: 'sendBatch',
          summary: 'Send up to 500 messages at once',
          description: `Each message has the fields of POST /v1/messages. If any message is invalid, the 400 lists every invalid message index and field (messages.<index>.<field>) and nothing is stored; otherwise all ${MAX_BATCH} at most are committed in one transaction before the 202, which lists them in order.`,
          tags: ['messages'],
          headers: idempotencyHeaders,
          body: sendBatchBody,
          response: { 202: acceptedBatch, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => {
        // no local holds the body or its messages across the wait (an async function keeps its locals)
        const { intake, idempotency } = batchIntake(takeBody(request), request.headers['idempotency-key'], request.plainTextBody);
        const result = await submit(intakeFor(deps, request), request.auth, intake, { fieldPrefix: (i) => `messages.${i}.`, idempotency, source: 'api' });
        if (result.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.status(202).send({ data: result.messages });
      },
    );
  };
}

/** The batch as intake takes it (its messages let go once composed) and the request's idempotency. */
function batchIntake(body: z.output<typeof sendBatchBody>, key: string | undefined, plainText: boolean): { intake: IntakeRequest; idempotency: { key: string; hash: string } | undefined } {
  return {
    intake: { kind: 'fields', messages: body.messages.map((m) => toSendRequest(m, plainText)), batch: true },
    idempotency: key ? { key, hash: requestHash(body) } : undefined,
  };
}
