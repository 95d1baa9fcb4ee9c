import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, rotateWebhookSecret } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { secretView, webhookIdParams } from '../../../schemas/webhooks.ts';
import { requireWebhook } from './require-webhook.ts';

/** POST /v1/webhooks/{id}/rotate-secret: a new secret (shown once); the old one still signs for 24 hours. */
export function rotateWebhookSecretRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/webhooks/:id/rotate-secret',
      {
        preHandler: requireScope('webhooks:manage'),
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
        const webhook = await requireWebhook(deps.db, request.auth.projectId, request.params.id);
        const rotated = await rotateWebhookSecret(deps.db, deps.masterKey, webhook);
        if (!rotated) throw new HeraldError('not_found', `no webhook ${webhook.id}`);
        return { secret: rotated.secret, previous_secret_expires_at: rotated.previousSecretExpiresAt.toISOString() };
      },
    );
  };
}
