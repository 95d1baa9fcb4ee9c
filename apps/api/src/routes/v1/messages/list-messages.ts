import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { normalizeEmail, type Prisma } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { afterPosition, decodeCursor, page } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentSummary } from '../../../presenters/message.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { listMessagesQuery, messageList } from '../../../schemas/messages.ts';

/** GET /v1/messages: newest first, cursor-paginated, filtered by status, tag, recipient and dates. */
export function listMessagesRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'listMessages',
          summary: 'List messages',
          description: 'Newest first. Pass next_cursor back as cursor for the next page. Filters combine with AND.',
          tags: ['messages'],
          querystring: listMessagesQuery,
          response: { 200: messageList, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => {
        const q = request.query;
        const where: Prisma.MessageWhereInput = { projectId: request.auth.projectId };
        const and: Prisma.MessageWhereInput[] = [];
        if (q.status) where.status = q.status;
        if (q.tag) where.tags = { has: q.tag };
        if (q.recipient) {
          const normalized = normalizeEmail(q.recipient);
          const email = normalized.ok ? normalized.email : q.recipient;
          where.recipients = { some: { projectId: request.auth.projectId, email: { equals: email, mode: 'insensitive' } } };
        }
        if (q.created_after || q.created_before) {
          where.createdAt = {
            ...(q.created_after ? { gte: new Date(q.created_after) } : {}),
            ...(q.created_before ? { lt: new Date(q.created_before) } : {}),
          };
        }
        if (q.cursor) and.push(afterPosition(decodeCursor(q.cursor)));
        if (and.length) where.AND = and;
        const rows = await deps.db.message.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: q.limit + 1,
          omit: { raw: true },
          include: { recipients: { select: { email: true, status: true }, orderBy: { id: 'asc' } } },
        });
        const { items, next } = page(rows, q.limit);
        return { data: items.map((m) => presentSummary({ ...m, raw: null })), next_cursor: next };
      },
    );
  };
}
