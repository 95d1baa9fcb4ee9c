import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Prisma } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { afterPosition, decodeCursor, page } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentSuppression } from '../../../presenters/suppression.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { listSuppressionsQuery, suppressionList } from '../../../schemas/suppressions.ts';

/** GET /v1/suppressions: the project's suppression list, newest first. */
export function listSuppressionsRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/suppressions',
      {
        preHandler: requireScope('suppressions:manage'),
        schema: {
          operationId: 'listSuppressions',
          summary: 'List suppressed addresses',
          tags: ['suppressions'],
          querystring: listSuppressionsQuery,
          response: { 200: suppressionList, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => {
        const q = request.query;
        const where: Prisma.SuppressionWhereInput = { projectId: request.auth.projectId };
        if (q.reason) where.reason = q.reason;
        if (q.cursor) where.AND = [afterPosition(decodeCursor(q.cursor))];
        const rows = await deps.db.suppression.findMany({ where, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: q.limit + 1 });
        const { items, next } = page(rows, q.limit);
        return { data: items.map(presentSuppression), next_cursor: next };
      },
    );
  };
}
