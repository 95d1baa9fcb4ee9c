import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentTemplate } from '../../../presenters/template.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { templateIdParams, templateView } from '../../../schemas/templates.ts';
import { requireTemplate } from './require-template.ts';

/** GET /v1/templates/{id}: a template with its published version. */
export function getTemplateRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/templates/:id',
      {
        preHandler: requireScope('templates:manage'),
        schema: { operationId: 'getTemplate', summary: 'Get a template', tags: ['templates'], params: templateIdParams, response: { 200: templateView, ...errorResponses(401, 403, 404, 503) } },
      },
      async (request) => presentTemplate(await requireTemplate(deps.db, request.auth.projectId, request.params.id)),
    );
  };
}
