import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentEvent } from '../../../presenters/message.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { eventList, messageIdParams } from '../../../schemas/messages.ts';

/** GET /v1/messages/{id}/events: the message's whole timeline, oldest first. */
export function listMessageEventsRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages/:id/events',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'listMessageEvents',
          summary: "A message's events",
          description: 'Every event of the message, oldest first: queued or scheduled, each delivery attempt per recipient, and final outcomes.',
          tags: ['messages'],
          params: messageIdParams,
          response: { 200: eventList, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => {
        const found = await deps.db.message.count({ where: { id: request.params.id, projectId: request.auth.projectId } });
        if (!found) throw new HeraldError('not_found', `no message ${request.params.id}`);
        const events = await deps.db.event.findMany({
          where: { messageId: request.params.id, projectId: request.auth.projectId },
          orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        });
        return { data: events.map(presentEvent) };
      },
    );
  };
}
