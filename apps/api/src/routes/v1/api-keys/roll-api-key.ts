import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { rollApiKey } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentApiKey } from '../../../presenters/api-key.ts';
import { apiKeyIdParams, createdApiKey, rollApiKeyBody } from '../../../schemas/api-keys.ts';
import { errorResponses } from '../../../schemas/error.ts';

/** POST /v1/api-keys/{id}/roll: a replacement key (shown once); the old one keeps working for the grace period. */
export function rollApiKeyRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/api-keys/:id/roll',
      {
        preHandler: requireScope('keys:manage'),
        schema: {
          operationId: 'rollApiKey',
          summary: 'Replace an API key',
          description: 'Issues a replacement with the same name, scopes, domains and mode (shown once); the old key keeps working for grace_seconds (default a day), then stops.',
          tags: ['api-keys'],
          params: apiKeyIdParams,
          body: rollApiKeyBody,
          response: { 201: createdApiKey, ...errorResponses(400, 401, 403, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        const rolled = await rollApiKey(deps.db, request.auth.projectId, request.params.id, request.body.grace_seconds * 1000);
        return reply.status(201).send({ ...presentApiKey(rolled.row), key: rolled.key });
      },
    );
  };
}
