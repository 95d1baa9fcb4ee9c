import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listSuppressions } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { MAY_LAG } from '../../../openapi/may-lag.ts';
import { pageRequest, presentPage } from '../../../pagination/cursor.ts';
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
          description: `Newest first. ${MAY_LAG} An address is suppressed for sending as soon as it is added, listed or not.`,
          tags: ['suppressions'],
          querystring: listSuppressionsQuery,
          response: { 200: suppressionList, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => {
        const q = request.query;
        // may lag behind the primary (docs/read-replica.md); intake checks suppressions on the primary
        const page = await deps.store.staleReads.read((db) => listSuppressions(db, request.auth.projectId, { reason: q.reason, email: q.email }, pageRequest(q)));
        return presentPage(page, presentSuppression);
      },
    );
  };
}
