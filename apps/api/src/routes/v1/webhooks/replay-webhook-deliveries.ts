import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, replayWebhookDeliveries } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { replayBody, webhookIdParams } from '../../../schemas/webhooks.ts';
import { requireWebhook } from './require-webhook.ts';

/** POST /v1/webhooks/{id}/replay: every delivery of a time range is sent again, with its webhook-id. */
export function replayWebhookDeliveriesRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhooks/:id/replay',
      {
        preHandler: requireScope('webhooks:manage'),
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
        const { projectId } = request.auth;
        // an unknown endpoint is a 404 before the range is judged
        const webhook = await requireWebhook(deps.db, projectId, request.params.id);
        const since = new Date(request.body.since);
        const until = new Date(request.body.until);
        if (until <= since) throw new HeraldError('validation_failed', 'until: must be after since', [{ field: 'until', message: 'must be after since' }]);
        return reply.status(202).send({ replayed: await replayWebhookDeliveries(deps.db, projectId, webhook.id, { since, until }) });
      },
    );
  };
}
