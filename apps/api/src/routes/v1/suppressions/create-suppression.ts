import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { addSuppression } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentSuppression } from '../../../presenters/suppression.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { createSuppressionBody, suppression } from '../../../schemas/suppressions.ts';

/** POST /v1/suppressions: 201 when added; 200 with the existing entry when the address is already suppressed. */
export function createSuppressionRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/suppressions',
      {
        preHandler: requireScope('suppressions:manage'),
        schema: {
          operationId: 'createSuppression',
          summary: 'Suppress an address',
          description: 'Messages to a suppressed address are accepted but not sent: the recipient gets the status suppressed. Adding an address already suppressed answers 200 with the existing entry, unchanged.',
          tags: ['suppressions'],
          body: createSuppressionBody,
          response: { 200: suppression, 201: suppression, ...errorResponses(400, 401, 403, 503) },
        },
      },
      async (request, reply) => {
        const { email, reason, note } = request.body;
        const added = await addSuppression(deps.db, request.auth.projectId, { email, reason, note: note ?? null });
        return reply.status(added.created ? 201 : 200).send(presentSuppression(added.suppression));
      },
    );
  };
}
