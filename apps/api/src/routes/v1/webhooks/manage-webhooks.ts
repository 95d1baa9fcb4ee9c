import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { generateWebhookSecret, newId, seal } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentWebhook } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { createdWebhook, createWebhookBody, updateWebhookBody, webhookIdParams, webhookList, webhookView } from '../../../schemas/webhooks.ts';
import { assertWebhookUrl, findWebhook } from './find-webhook.ts';

/** Create, list, read, change and delete webhook endpoints. */
export function manageWebhooksRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    const scope = requireScope('webhooks:manage');
    app.post(
      '/webhooks',
      {
        preHandler: scope,
        schema: {
          operationId: 'createWebhook',
          summary: 'Create a webhook endpoint',
          description: 'Answers with the signing secret (whsec_…) once; Herald keeps it encrypted. Deliveries are signed per the Standard Webhooks specification.',
          tags: ['webhooks'],
          body: createWebhookBody,
          response: { 201: createdWebhook, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request, reply) => {
        assertWebhookUrl(request.body.url, deps.config);
        const secret = generateWebhookSecret();
        const webhook = await deps.db.webhookEndpoint.create({
          data: {
            id: newId('webhook'),
            projectId: request.auth.projectId,
            url: request.body.url,
            events: request.body.events,
            enabled: request.body.enabled,
            description: request.body.description ?? null,
            secretEncrypted: seal(secret, deps.masterKey),
          },
        });
        return reply.status(201).send({ ...presentWebhook(webhook), secret });
      },
    );
    app.get(
      '/webhooks',
      {
        preHandler: scope,
        schema: { operationId: 'listWebhooks', summary: 'List webhook endpoints', tags: ['webhooks'], response: { 200: webhookList, ...errorResponses(401, 403, 503) } },
      },
      async (request) => ({
        data: (await deps.db.webhookEndpoint.findMany({ where: { projectId: request.auth.projectId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] })).map(presentWebhook),
      }),
    );
    app.get(
      '/webhooks/:id',
      {
        preHandler: scope,
        schema: { operationId: 'getWebhook', summary: 'Get a webhook endpoint', tags: ['webhooks'], params: webhookIdParams, response: { 200: webhookView, ...errorResponses(401, 403, 404, 503) } },
      },
      async (request) => presentWebhook(await findWebhook(deps.db, request.auth.projectId, request.params.id)),
    );
    app.patch(
      '/webhooks/:id',
      {
        preHandler: scope,
        schema: {
          operationId: 'updateWebhook',
          summary: 'Change a webhook endpoint',
          description: 'Enabling an endpoint that Herald disabled clears the disabling; its pending deliveries resume.',
          tags: ['webhooks'],
          params: webhookIdParams,
          body: updateWebhookBody,
          response: { 200: webhookView, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        const body = request.body;
        if (body.url !== undefined) assertWebhookUrl(body.url, deps.config);
        const updated = await deps.db.webhookEndpoint.update({
          where: { id: webhook.id },
          data: {
            ...(body.url !== undefined ? { url: body.url } : {}),
            ...(body.events !== undefined ? { events: body.events } : {}),
            ...(body.description !== undefined ? { description: body.description } : {}),
            ...(body.enabled !== undefined ? { enabled: body.enabled } : {}),
            ...(body.enabled === true ? { disabledAt: null, disabledReason: null, failingSince: null } : {}),
          },
        });
        return presentWebhook(updated);
      },
    );
    app.delete(
      '/webhooks/:id',
      {
        preHandler: scope,
        schema: {
          operationId: 'deleteWebhook',
          summary: 'Delete a webhook endpoint',
          description: 'Its pending deliveries are dropped with it.',
          tags: ['webhooks'],
          params: webhookIdParams,
          response: { 204: z.undefined().describe('Deleted'), ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request, reply) => {
        const webhook = await findWebhook(deps.db, request.auth.projectId, request.params.id);
        await deps.db.webhookEndpoint.delete({ where: { id: webhook.id } });
        return reply.status(204).send();
      },
    );
  };
}
