import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listMessages } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { MAY_LAG } from '../../../openapi/may-lag.ts';
import { pageRequest, presentPage } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentSummary } from '../../../presenters/message.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { listMessagesQuery, messageList } from '../../../schemas/messages.ts';

/** GET /v1/messages: newest first, cursor-paginated, filtered by status, tag, recipient, subject and dates. */
export function listMessagesRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'listMessages',
          summary: 'List messages',
          description: `Newest first. Pass next_cursor back as cursor for the next page. Filters combine with AND. ${MAY_LAG}`,
          tags: ['messages'],
          querystring: listMessagesQuery,
          response: { 200: messageList, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => {
        const q = request.query;
        const filters = {
          status: q.status,
          tag: q.tag,
          recipient: q.recipient,
          subject: q.subject,
          createdAfter: q.created_after ? new Date(q.created_after) : undefined,
          createdBefore: q.created_before ? new Date(q.created_before) : undefined,
        };
        // may lag behind the primary by the replica's delay (docs/read-replica.md)
        const page = await deps.store.staleReads.read((db) => listMessages(db, request.auth.projectId, filters, pageRequest(q)));
        return presentPage(page, presentSummary);
      },
    );
  };
}
