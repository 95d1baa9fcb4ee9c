import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, revokeApiKey } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { apiKeyIdParams } from '../../../schemas/api-keys.ts';
import { errorResponses } from '../../../schemas/error.ts';

/** DELETE /v1/api-keys/{id}: the key is revoked at once; revoking a revoked key again is a 204 too. */
export function revokeApiKeyRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.delete(
      '/api-keys/:id',
      {
        preHandler: requireScope('keys:manage'),
        schema: {
          operationId: 'revokeApiKey',
          summary: 'Revoke an API key',
          description: 'The key is refused from its next request, on every API process.',
          tags: ['api-keys'],
          params: apiKeyIdParams,
          response: { 204: z.undefined().describe('Revoked'), ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const revoked = await revokeApiKey(deps.db, request.auth.projectId, request.params.id);
        if (revoked === 'not_found') throw new HeraldError('not_found', `no API key ${request.params.id}`);
        return reply.status(204).send();
      },
    );
  };
}
