import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { requestHash, submit, type AcceptedMessage } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { intakeFor } from '../../../intake.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { acceptedMessage, idempotencyHeaders } from '../../../schemas/messages.ts';
import { sendMessageBody, toSendRequest } from '../../../schemas/send-message.ts';

/** POST /v1/messages: validate, commit, enqueue; 202 only after the commit. */
export function createMessageRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/messages',
      {
        preHandler: requireScope('messages:send'),
        schema: {
          operationId: 'sendMessage',
          summary: 'Send a message',
          description:
            'Validates the message, stores it with its recipients and first events in one transaction, then queues it for delivery. 202 means the message is committed. Recipients on the suppression list are not sent to: their status is suppressed. With template, the stored template is rendered with the variables first; a template the project does not have answers 404.',
          tags: ['messages'],
          headers: idempotencyHeaders,
          body: sendMessageBody,
          response: { 202: acceptedMessage, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        const result = await submit(intakeFor(deps, request), request.auth, { kind: 'fields', messages: [toSendRequest(request.body, request.plainTextBody)], batch: false }, {
          fieldPrefix: () => '',
          idempotency: key ? { key, hash: requestHash(request.body) } : undefined,
          source: 'api',
        });
        if (result.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.status(202).send(result.messages[0] as AcceptedMessage);
      },
    );
  };
}
