import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, retryWebhookDelivery } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDelivery } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { deliveryParams, deliveryView } from '../../../schemas/webhooks.ts';
import { requireWebhook } from './require-webhook.ts';

/** POST /v1/webhooks/{id}/deliveries/{delivery_id}/retry: the delivery is sent again now, with its webhook-id. */
export function retryWebhookDeliveryRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhooks/:id/deliveries/:delivery_id/retry',
      {
        preHandler: requireScope('webhooks:manage'),
        schema: {
          operationId: 'retryWebhookDelivery',
          summary: 'Send a delivery again now',
          description: 'With the same webhook-id, so a receiver that already has it can tell.',
          tags: ['webhooks'],
          params: deliveryParams,
          response: { 202: deliveryView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const { projectId } = request.auth;
        // "no webhook" and "no delivery" are told apart
        const webhook = await requireWebhook(deps.db, projectId, request.params.id);
        const delivery = await retryWebhookDelivery(deps.db, projectId, webhook.id, request.params.delivery_id);
        if (!delivery) throw new HeraldError('not_found', `no delivery ${request.params.delivery_id}`);
        return reply.status(202).send(presentDelivery(delivery));
      },
    );
  };
}
