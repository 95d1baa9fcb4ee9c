import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { submit, type AcceptedMessage } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { intakeFor } from '../../../intake.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { acceptedMessage, idempotencyHeaders } from '../../../schemas/messages.ts';
import { sendRawMessageBody } from '../../../schemas/raw-message.ts';

/**
 * POST /v1/messages/raw: a message given whole (what nodemailer and other MIME composers build), through
 * the one intake as SMTP submission sends it; 202 only after the commit.
 */
export function createRawMessageRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/messages/raw',
      {
        preHandler: requireScope('messages:send'),
        schema: {
          operationId: 'sendRawMessage',
          summary: 'Send a message given as raw MIME',
          description:
            'The RFC 5322 message (base64) and its envelope recipients, read by the same rules as a message submitted over SMTP: one From on a verified domain of the project, X-Herald-* headers for tags, metadata, unsubscribe and templates, line endings normalised, Bcc removed. 202 means the message is committed. The Idempotency-Key header (or an X-Herald-Idempotency-Key header in the message) makes a retry answer with the first message: a retry is the same request when it has the same recipients and Message-ID (a MIME composer builds it again with a new Date and new boundaries), or the same bytes when the message has no Message-ID; anything else under the same key is a 409.',
          tags: ['messages'],
          headers: idempotencyHeaders,
          body: sendRawMessageBody,
          response: { 202: acceptedMessage, ...errorResponses(400, 401, 403, 404, 409, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => {
        const key = request.headers['idempotency-key'];
        const { raw, recipients } = request.body;
        const result = await submit(intakeFor(deps, request), request.auth, { kind: 'raw', raw: Buffer.from(raw, 'base64'), recipients, sameBy: 'message-id' }, {
          fieldPrefix: () => '',
          // intake hashes a message given whole itself (its envelope and bytes)
          idempotency: key ? { key, hash: '' } : undefined,
          source: 'api',
        });
        if (result.replayed) void reply.header('idempotent-replayed', 'true');
        return reply.status(202).send(result.messages[0] as AcceptedMessage);
      },
    );
  };
}
