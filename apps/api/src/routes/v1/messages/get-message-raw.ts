import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findRawMessage, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { messageIdParams } from '../../../schemas/messages.ts';

/** GET /v1/messages/{id}/raw: the stored RFC 5322 message (unsigned; the signature is added per delivery). */
export function getMessageRawRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages/:id/raw',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'getMessageRaw',
          summary: 'The raw message',
          description: 'The RFC 5322 message as stored at intake (CRLF line endings, before DKIM signing), as message/rfc822. 404 once retention has removed the content.',
          tags: ['messages'],
          params: messageIdParams,
          produces: ['message/rfc822'],
          response: {
            200: { description: 'The message', content: { 'message/rfc822': { schema: z.string() } } },
            ...errorResponses(401, 403, 404, 503),
          },
        },
      },
      async (request, reply) => {
        const message = await findRawMessage(deps.db, request.auth.projectId, request.params.id);
        if (!message) throw new HeraldError('not_found', `no message ${request.params.id}`);
        if (!message.raw) throw new HeraldError('not_found', `the content of ${request.params.id} was removed by retention`);
        return reply
          .type('message/rfc822')
          .header('content-disposition', `inline; filename="${request.params.id}.eml"`)
          // bytes as stored; fastify sends a Buffer untouched (the string type is the OpenAPI schema's)
          .send(Buffer.from(message.raw) as unknown as string);
      },
    );
  };
}
