import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listWebhookEndpoints } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentWebhook } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { webhookList } from '../../../schemas/webhooks.ts';

/** GET /v1/webhooks: the project's endpoints, oldest first. */
export function listWebhooksRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/webhooks',
      {
        preHandler: requireScope('webhooks:manage'),
        schema: { operationId: 'listWebhooks', summary: 'List webhook endpoints', tags: ['webhooks'], response: { 200: webhookList, ...errorResponses(401, 403, 503) } },
      },
      async (request) => ({ data: (await listWebhookEndpoints(deps.db, request.auth.projectId)).map(presentWebhook) }),
    );
  };
}
