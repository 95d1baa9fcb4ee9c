import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { acceptMessage, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { acceptedMessage, sendMessageBody } from '../../../schemas/messages.ts';

/** POST /v1/messages: validate, commit, enqueue; 202 only after the commit. */
export function createMessageRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/messages',
      {
        schema: {
          summary: 'Send a message',
          description:
            'Validates the message, stores it with its recipients and a queued event in one transaction, then queues it for delivery. 202 means the message is committed.',
          tags: ['messages'],
          body: sendMessageBody,
          response: { 202: acceptedMessage, ...errorResponses(400, 401, 403, 413, 415, 503) },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const max = deps.config.maxRecipients;
        if (body.to.length + (body.cc?.length ?? 0) + (body.bcc?.length ?? 0) > max) {
          const message = `at most ${max} recipients in to, cc and bcc together`;
          throw new HeraldError('validation_failed', `to: ${message}`, [{ field: 'to', message }]);
        }
        const accepted = await acceptMessage(
          { db: deps.db, enqueue: deps.enqueue, log: request.log },
          { projectId: request.auth.projectId, apiKeyId: request.auth.apiKeyId, test: request.auth.test },
          {
            from: body.from,
            to: body.to,
            cc: body.cc ?? [],
            bcc: body.bcc ?? [],
            subject: body.subject,
            text: body.text,
            html: body.html,
          },
        );
        return reply.status(202).send(accepted);
      },
    );
  };
}
