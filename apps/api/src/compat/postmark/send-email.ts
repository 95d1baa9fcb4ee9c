import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { submit, type AcceptedMessage } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { intakeFor } from '../../intake.ts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { INACTIVE_RECIPIENTS } from './present-error.ts';
import { postmarkEmail, postmarkError, postmarkErrors, postmarkSent, postmarkToSendRequest, type PostmarkEmail, type PostmarkTemplatedEmail } from './schemas.ts';

/** Sends one Postmark email (with or without a template) through the one intake; what Postmark answers for it when it is committed. */
export async function sendPostmarkEmail(deps: AppDeps, request: FastifyRequest, email: PostmarkEmail | PostmarkTemplatedEmail, fieldPrefix: string) {
  const result = await submit(intakeFor(deps, request), request.auth, { kind: 'fields', messages: [postmarkToSendRequest(email)], batch: false }, {
    fieldPrefix: () => fieldPrefix,
    source: 'postmark',
  });
  const message = result.messages[0] as AcceptedMessage;
  if (message.status === 'suppressed') return { inactive: true as const, id: message.id };
  return {
    inactive: false as const,
    sent: {
      To: email.To.map((m) => m.email).join(', '),
      SubmittedAt: new Date().toISOString(),
      MessageID: message.id,
      ErrorCode: 0 as const,
      Message: 'OK' as const,
    },
  };
}

/** What a Postmark route answers for one email: 200 with the result once committed, 422 ErrorCode 406 when every recipient is suppressed. */
export async function answerPostmarkEmail(deps: AppDeps, request: FastifyRequest, reply: FastifyReply, email: PostmarkEmail | PostmarkTemplatedEmail) {
  const outcome = await sendPostmarkEmail(deps, request, email, '');
  return outcome.inactive ? reply.status(422).send(INACTIVE_RECIPIENTS) : outcome.sent;
}

/** POST /postmark/email: Postmark's send; 200 once committed; 422 ErrorCode 406 when every recipient is suppressed. */
export function postmarkSendEmailRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/email',
      {
        schema: {
          operationId: 'postmarkSendEmail',
          summary: 'Send an email (Postmark)',
          description: "Postmark's POST /email. Tag becomes the message's tag, Metadata its metadata; TrackOpens and TrackLinks are accepted and ignored.",
          body: postmarkEmail,
          response: { 200: postmarkSent, 422: postmarkError, ...postmarkErrors(401, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => answerPostmarkEmail(deps, request, reply, request.body),
    );
  };
}
