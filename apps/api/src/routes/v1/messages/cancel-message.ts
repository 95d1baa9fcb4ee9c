import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cancelOrRefuse, findMessageStatus, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { acceptedMessage, messageIdParams } from '../../../schemas/messages.ts';

/** POST /v1/messages/{id}/cancel: a scheduled message is cancelled; once sending has started, 409. */
export function cancelMessageRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/messages/:id/cancel',
      {
        preHandler: requireScope('messages:send'),
        schema: {
          operationId: 'cancelMessage',
          summary: 'Cancel a scheduled message',
          description: 'Only a message still scheduled (send_at in the future) can be cancelled; once its sending has started the answer is 409 conflict.',
          tags: ['messages'],
          params: messageIdParams,
          response: { 200: acceptedMessage, ...errorResponses(401, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        const { id } = request.params;
        await cancelOrRefuse(deps.db, request.auth.projectId, id);
        const message = await findMessageStatus(deps.db, request.auth.projectId, id);
        if (!message) throw new HeraldError('not_found', `no message ${id}`);
        return message;
      },
    );
  };
}
