import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, updateWebhookEndpoint } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentWebhook } from '../../../presenters/webhook.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { updateWebhookBody, webhookIdParams, webhookView } from '../../../schemas/webhooks.ts';
import { assertWebhookUrl, requireWebhook } from './require-webhook.ts';

/** PATCH /v1/webhooks/{id}: changes the fields given; enabling clears Herald's disabling. */
export function updateWebhookRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.patch(
      '/webhooks/:id',
      {
        preHandler: requireScope('webhooks:manage'),
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
        const { projectId } = request.auth;
        const { id } = request.params;
        // an unknown endpoint is a 404 before anything in the body is judged
        await requireWebhook(deps.db, projectId, id);
        const { url, events, description, enabled } = request.body;
        if (url !== undefined) assertWebhookUrl(url, deps.config);
        const updated = await updateWebhookEndpoint(deps.db, projectId, id, { url, events, description, enabled });
        if (!updated) throw new HeraldError('not_found', `no webhook ${id}`);
        return presentWebhook(updated);
      },
    );
  };
}
