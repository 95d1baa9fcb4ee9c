import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, rollApiKey } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentApiKey } from '../../../presenters/api-key.ts';
import { apiKeyIdParams, apiKeyList, createdApiKey, rollApiKeyBody } from '../../../schemas/api-keys.ts';
import { errorResponses } from '../../../schemas/error.ts';

/** GET /v1/api-keys, DELETE /v1/api-keys/{id} (revoke at once), POST /v1/api-keys/{id}/roll. */
export function manageApiKeysRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api-keys',
      {
        preHandler: requireScope('keys:manage'),
        schema: {
          operationId: 'listApiKeys',
          summary: 'List API keys',
          description: 'Every key of the project, newest first, without secrets: prefix, scopes, domains, created, last used, expiry, revocation.',
          tags: ['api-keys'],
          response: { 200: apiKeyList, ...errorResponses(401, 403, 503) },
        },
      },
      async (request) => {
        const keys = await deps.db.apiKey.findMany({ where: { projectId: request.auth.projectId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
        return { data: keys.map(presentApiKey) };
      },
    );
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
        const revoked = await deps.db.apiKey.updateMany({
          where: { id: request.params.id, projectId: request.auth.projectId, revokedAt: null },
          data: { revokedAt: new Date() },
        });
        if (revoked.count === 0) {
          const exists = await deps.db.apiKey.count({ where: { id: request.params.id, projectId: request.auth.projectId } });
          if (!exists) throw new HeraldError('not_found', `no API key ${request.params.id}`);
        }
        return reply.status(204).send();
      },
    );
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
