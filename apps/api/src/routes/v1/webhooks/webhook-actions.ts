import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { generateWebhookSecret, HeraldError, listWebhookDeliveries, newId, seal, WEBHOOK_TEST_EVENT } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { pageRequest, presentPage } from '../../../pagination/cursor.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDelivery } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { deliveryList, deliveryParams, deliveryView, listDeliveriesQuery, replayBody, secretView, webhookIdParams } from '../../../schemas/webhooks.ts';
import { findWebhook } from './find-webhook.ts';

const ROTATION_OVERLAP_MS = 24 * 3_600_000;

/** Secret rotation, test events, the delivery log, retries and replays. */
export function webhookActionsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const scope = requireScope('webhooks:manage');
    app.post(
      '/webhooks/:id/rotate-secret',
      {
        preHandler: scope,
        schema: {
          operationId: 'rotateWebhookSecret',
          summary: 'Rotate the signing secret',
          description: 'Answers with the new secret once. For 24 hours every delivery carries two signatures, one per secret, so receivers can switch without losing any.',
          tags: ['webhooks'],
          params: webhookIdParams,
          response: { 200: secretView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => {
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        const secret = generateWebhookSecret();
        const expires = new Date(Date.now() + ROTATION_OVERLAP_MS);
        await deps.db.webhookEndpoint.update({
          where: { id: webhook.id },
          data: { secretEncrypted: seal(secret, deps.masterKey), previousSecretEncrypted: webhook.secretEncrypted, previousSecretExpiresAt: expires },
        });
        return { secret, previous_secret_expires_at: expires.toISOString() };
      },
    );
    app.post(
      '/webhooks/:id/test',
      {
        preHandler: scope,
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
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        const now = new Date();
        const eventId = newId('event', now.getTime());
        const delivery = await deps.db.webhookDelivery.create({
          data: {
            id: newId('webhookDelivery', now.getTime()),
            endpointId: webhook.id,
            projectId: webhook.projectId,
            eventId,
            eventType: WEBHOOK_TEST_EVENT,
            payload: { type: WEBHOOK_TEST_EVENT, timestamp: now.toISOString(), data: { event_id: eventId, webhook_id: webhook.id } },
            nextAttemptAt: now,
            createdAt: now,
          },
        });
        return reply.status(202).send(presentDelivery(delivery));
      },
    );
    app.get(
      '/webhooks/:id/deliveries',
      {
        preHandler: scope,
        schema: {
          operationId: 'listWebhookDeliveries',
          summary: "An endpoint's deliveries",
          description: 'Newest first: status, attempts, the last response code or error, its duration, and the next attempt.',
          tags: ['webhooks'],
          params: webhookIdParams,
          querystring: listDeliveriesQuery,
          response: { 200: deliveryList, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        const q = request.query;
        return presentPage(await listWebhookDeliveries(deps.db, request.auth.projectId, webhook.id, { status: q.status }, pageRequest(q)), presentDelivery);
      },
    );
    app.post(
      '/webhooks/:id/deliveries/:delivery_id/retry',
      {
        preHandler: scope,
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
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        const found = await deps.db.webhookDelivery.findFirst({ where: { id: request.params.delivery_id, endpointId: webhook.id } });
        if (!found) throw new HeraldError('not_found', `no delivery ${request.params.delivery_id}`);
        const delivery = await deps.db.webhookDelivery.update({ where: { id: found.id }, data: { status: 'pending', nextAttemptAt: new Date(), completedAt: null } });
        return reply.status(202).send(presentDelivery(delivery));
      },
    );
    app.post(
      '/webhooks/:id/replay',
      {
        preHandler: scope,
        schema: {
          operationId: 'replayWebhookDeliveries',
          summary: 'Send again every delivery of a time range',
          description: 'Every delivery to the endpoint created in [since, until), whatever its status, is sent again with its original webhook-id.',
          tags: ['webhooks'],
          params: webhookIdParams,
          body: replayBody,
          response: { 202: z.object({ replayed: z.number().int() }), ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        const since = new Date(request.body.since);
        const until = new Date(request.body.until);
        if (until <= since) throw new HeraldError('validation_failed', 'until: must be after since', [{ field: 'until', message: 'must be after since' }]);
        const replayed = await deps.db.webhookDelivery.updateMany({
          where: { endpointId: webhook.id, createdAt: { gte: since, lt: until } },
          data: { status: 'pending', nextAttemptAt: new Date(), completedAt: null },
        });
        return reply.status(202).send({ replayed: replayed.count });
      },
    );
  };
}
