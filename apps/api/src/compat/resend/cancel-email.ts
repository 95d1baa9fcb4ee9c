import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { cancelOrRefuse } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { requireScope } from '../../plugins/require-scope.ts';
import { resendEmailParams, resendErrors } from './schemas.ts';

const cancelled = z.object({ object: z.literal('email'), id: z.string() }).meta({ id: 'ResendCancelledEmail' });

/** POST /resend/emails/{id}/cancel: Herald's cancel of a scheduled message (409 once sending has started). */
export function resendCancelEmailRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/emails/:id/cancel',
      {
        preHandler: requireScope('messages:send'),
        schema: {
          operationId: 'resendCancelEmail',
          summary: 'Cancel a scheduled email (Resend)',
          description: 'Only an email still scheduled can be cancelled; otherwise 409.',
          params: resendEmailParams,
          response: { 200: cancelled, ...resendErrors(401, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        await cancelOrRefuse(deps.db, request.auth.projectId, request.params.id);
        return { object: 'email' as const, id: request.params.id };
      },
    );
  };
}
