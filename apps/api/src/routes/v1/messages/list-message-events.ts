import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, listMessageEvents } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { MAY_LAG } from '../../../openapi/may-lag.ts';
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
          description: `Every event of the message, oldest first: queued or scheduled, each delivery attempt per recipient, and final outcomes. ${MAY_LAG}`,
          tags: ['messages'],
          params: messageIdParams,
          response: { 200: eventList, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => {
        // may lag (docs/read-replica.md); a message the replica does not have yet is looked for on the primary before a 404
        const events = await deps.store.staleReads.read((db) => listMessageEvents(db, request.auth.projectId, request.params.id), { confirmMiss: true });
        if (!events) throw new HeraldError('not_found', `no message ${request.params.id}`);
        return { data: events.map(presentEvent) };
      },
    );
  };
}
