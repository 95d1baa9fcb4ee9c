import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { queueTestDelivery, WEBHOOK_TEST_EVENT } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDelivery } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { deliveryView, webhookIdParams } from '../../../schemas/webhooks.ts';
import { requireWebhook } from './require-webhook.ts';

/** POST /v1/webhooks/{id}/test: queues a test event to the endpoint. */
export function testWebhookRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhooks/:id/test',
      {
        preHandler: requireScope('webhooks:manage'),
        schema: {
          operationId: 'testWebhook',
          summary: 'Send a test event',
          description: `Queues a ${WEBHOOK_TEST_EVENT} delivery to the endpoint (whatever its subscriptions), signed as any other.`,
          tags: ['webhooks'],
          params: webhookIdParams,
          response: { 202: deliveryView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const webhook = await requireWebhook(deps.db, request.auth.projectId, request.params.id);
        return reply.status(202).send(presentDelivery(await queueTestDelivery(deps.db, webhook)));
      },
    );
  };
}
