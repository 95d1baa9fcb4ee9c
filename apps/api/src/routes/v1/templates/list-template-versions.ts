import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listTemplateVersions } from '@herald/core/templates';
import type { AppDeps } from '../../../app.ts';
import { pageRequest, presentPage } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentTemplateVersion } from '../../../presenters/template.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { listTemplatesQuery, templateIdParams, templateVersionList } from '../../../schemas/templates.ts';
import { requireTemplate } from './require-template.ts';

/** GET /v1/templates/{id}/versions: every version, newest first. */
export function listTemplateVersionsRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/templates/:id/versions',
      {
        preHandler: requireScope('templates:manage'),
        schema: {
          operationId: 'listTemplateVersions',
          summary: "List a template's versions",
          description: 'Newest first; versions never change. Pass next_cursor as cursor for the next page.',
          tags: ['templates'],
          params: templateIdParams,
          querystring: listTemplatesQuery,
          response: { 200: templateVersionList, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const template = await requireTemplate(deps.db, request.auth.projectId, request.params.id);
        return presentPage(await listTemplateVersions(deps.db, template.id, pageRequest(request.query)), presentTemplateVersion);
      },
    );
  };
}
