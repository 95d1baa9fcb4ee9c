import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listTemplates } from '@herald/core/templates';
import type { AppDeps } from '../../../app.ts';
import { pageRequest, presentPage } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentTemplate } from '../../../presenters/template.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { listTemplatesQuery, templateList } from '../../../schemas/templates.ts';

/** GET /v1/templates: the project's templates and layouts, newest first, with cursor pagination. */
export function listTemplatesRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/templates',
      {
        preHandler: requireScope('templates:manage'),
        schema: {
          operationId: 'listTemplates',
          summary: 'List templates',
          description: 'Newest first, each with its published version. Pass next_cursor as cursor for the next page.',
          tags: ['templates'],
          querystring: listTemplatesQuery,
          response: { 200: templateList, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request) => presentPage(await listTemplates(deps.db, request.auth.projectId, pageRequest(request.query)), presentTemplate),
    );
  };
}
