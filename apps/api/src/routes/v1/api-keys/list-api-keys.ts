import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listApiKeys } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentApiKey } from '../../../presenters/api-key.ts';
import { apiKeyList } from '../../../schemas/api-keys.ts';
import { errorResponses } from '../../../schemas/error.ts';

/** GET /v1/api-keys: every key of the project, newest first, without secrets. */
export function listApiKeysRoute(deps: AppDeps): FastifyPluginAsyncZod {
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
      async (request) => ({ data: (await listApiKeys(deps.db, request.auth.projectId)).map(presentApiKey) }),
    );
  };
}
