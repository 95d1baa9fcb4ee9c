import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { deleteWebhookEndpoint, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { webhookIdParams } from '../../../schemas/webhooks.ts';

/** DELETE /v1/webhooks/{id}: the endpoint and its pending deliveries go. */
export function deleteWebhookRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.delete(
      '/webhooks/:id',
      {
        preHandler: requireScope('webhooks:manage'),
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
        const deleted = await deleteWebhookEndpoint(deps.db, request.auth.projectId, request.params.id);
        if (!deleted) throw new HeraldError('not_found', `no webhook ${request.params.id}`);
        return reply.status(204).send();
      },
    );
  };
}
