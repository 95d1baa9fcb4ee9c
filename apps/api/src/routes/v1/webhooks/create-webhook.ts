import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createWebhookEndpoint } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentWebhook } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { createdWebhook, createWebhookBody } from '../../../schemas/webhooks.ts';
import { assertWebhookUrl } from './require-webhook.ts';

/** POST /v1/webhooks: a new endpoint; its signing secret is shown once. */
export function createWebhookRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhooks',
      {
        preHandler: requireScope('webhooks:manage'),
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
        const { url, events, enabled, description } = request.body;
        assertWebhookUrl(url, deps.config);
        const created = await createWebhookEndpoint(deps.db, deps.masterKey, request.auth.projectId, { url, events, enabled, description: description ?? null });
        return reply.status(201).send({ ...presentWebhook(created.endpoint), secret: created.secret });
      },
    );
  };
}
