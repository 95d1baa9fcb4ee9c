import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError } from '@herald/core';
import { deleteTemplate } from '@herald/core/templates';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { templateIdParams } from '../../../schemas/templates.ts';

/** DELETE /v1/templates/{id}: the template and its versions go; messages sent with it keep its id and version. */
export function deleteTemplateRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.delete(
      '/templates/:id',
      {
        preHandler: requireScope('templates:manage'),
        schema: {
          operationId: 'deleteTemplate',
          summary: 'Delete a template',
          description: 'With all its versions. A layout that templates still name answers 409.',
          tags: ['templates'],
          params: templateIdParams,
          response: { 204: z.undefined().describe('Deleted'), ...errorResponses(401, 403, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        if (!(await deleteTemplate(deps.db, request.auth.projectId, request.params.id))) throw new HeraldError('not_found', `no template ${request.params.id}`);
        return reply.status(204).send();
      },
    );
  };
}
