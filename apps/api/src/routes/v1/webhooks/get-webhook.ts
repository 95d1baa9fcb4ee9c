import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentWebhook } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { webhookIdParams, webhookView } from '../../../schemas/webhooks.ts';
import { requireWebhook } from './require-webhook.ts';

/** GET /v1/webhooks/{id}: one endpoint, without its secret. */
export function getWebhookRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/webhooks/:id',
      {
        preHandler: requireScope('webhooks:manage'),
        schema: { operationId: 'getWebhook', summary: 'Get a webhook endpoint', tags: ['webhooks'], params: webhookIdParams, response: { 200: webhookView, ...errorResponses(401, 403, 404, 503) } },
      },
      async (request) => presentWebhook(await requireWebhook(deps.db, request.auth.projectId, request.params.id)),
    );
  };
}
