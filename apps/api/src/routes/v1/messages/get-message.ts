import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findMessage, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentMessage } from '../../../presenters/message.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { messageIdParams, messageView } from '../../../schemas/messages.ts';

/** GET /v1/messages/{id}: envelope, tags, metadata, each recipient's status and last reply, the events. */
export function getMessageRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages/:id',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'getMessage',
          summary: 'Get a message',
          description: "The message, each recipient's status and last SMTP reply, and its events. Another project's id answers 404.",
          tags: ['messages'],
          params: messageIdParams,
          response: { 200: messageView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => {
        const message = await findMessage(deps.db, request.auth.projectId, request.params.id);
        if (!message) throw new HeraldError('not_found', `no message ${request.params.id}`);
        return presentMessage(message);
      },
    );
  };
}
