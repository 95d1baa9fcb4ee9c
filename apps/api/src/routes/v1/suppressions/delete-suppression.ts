import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, removeSuppression } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { suppressionParams } from '../../../schemas/suppressions.ts';

/** DELETE /v1/suppressions/{email}: the address may be sent to again. */
export function deleteSuppressionRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.delete(
      '/suppressions/:email',
      {
        preHandler: requireScope('suppressions:manage'),
        schema: {
          operationId: 'deleteSuppression',
          summary: 'Remove an address from the suppression list',
          tags: ['suppressions'],
          params: suppressionParams,
          response: { 204: z.undefined().describe('Removed'), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const removed = await removeSuppression(deps.db, request.auth.projectId, request.params.email);
        if (!removed) throw new HeraldError('not_found', `${request.params.email} is not suppressed`);
        return reply.status(204).send();
      },
    );
  };
}
