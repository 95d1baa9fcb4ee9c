import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listWebhookDeliveries } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { MAY_LAG } from '../../../openapi/may-lag.ts';
import { pageRequest, presentPage } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDelivery } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { deliveryList, listDeliveriesQuery, webhookIdParams } from '../../../schemas/webhooks.ts';
import { requireWebhook } from './require-webhook.ts';

/** GET /v1/webhooks/{id}/deliveries: the endpoint's delivery log, newest first, cursor-paginated. */
export function listWebhookDeliveriesRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/webhooks/:id/deliveries',
      {
        preHandler: requireScope('webhooks:manage'),
        schema: {
          operationId: 'listWebhookDeliveries',
          summary: "An endpoint's deliveries",
          description: `Newest first: status, attempts, the last response code or error, its duration, and the next attempt. ${MAY_LAG}`,
          tags: ['webhooks'],
          params: webhookIdParams,
          querystring: listDeliveriesQuery,
          response: { 200: deliveryList, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const { projectId } = request.auth;
        // an unknown endpoint is a 404 before the cursor is judged
        const webhook = await requireWebhook(deps.db, projectId, request.params.id);
        const q = request.query;
        // the endpoint is looked up on the primary, its deliveries may lag (docs/read-replica.md)
        const page = await deps.store.staleReads.read((db) => listWebhookDeliveries(db, projectId, webhook.id, { status: q.status }, pageRequest(q)));
        return presentPage(page, presentDelivery);
      },
    );
  };
}
