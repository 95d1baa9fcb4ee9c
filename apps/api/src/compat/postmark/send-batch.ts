import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { INACTIVE_RECIPIENTS, postmarkFailure } from './present-error.ts';
import { postmarkBatch, postmarkBatchResults, postmarkEmail, postmarkErrors } from './schemas.ts';
import { sendPostmarkEmail } from './send-email.ts';

/**
 * POST /postmark/email/batch: as Postmark does it, each message is validated and sent on its own and
 * has its own result, in order; the batch answers 200 (an invalid message gets ErrorCode 300, an
 * unverified sender 400). Messages go through the one intake concurrently, so they share commits.
 */
export function postmarkSendBatchRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/email/batch',
      {
        schema: {
          operationId: 'postmarkSendBatch',
          summary: 'Send a batch of emails (Postmark)',
          description: "Postmark's POST /email/batch: up to 500 messages, each validated and sent on its own; one result per message, in order.",
          body: postmarkBatch,
          response: { 200: postmarkBatchResults, ...postmarkErrors(401, 413, 415, 422, 429, 503) },
        },
      },
      async (request) =>
        Promise.all(
          request.body.map(async (item, i) => {
            const parsed = postmarkEmail.safeParse(item);
            if (!parsed.success) {
              const problems = parsed.error.issues.map((issue) => `${[i, ...issue.path].join('.')}: ${issue.message}`).join('; ');
              return { ErrorCode: 300, Message: `Invalid email request: ${problems}` };
            }
            try {
              const outcome = await sendPostmarkEmail(deps, request, parsed.data, `${i}.`);
              return outcome.inactive ? INACTIVE_RECIPIENTS : outcome.sent;
            } catch (err) {
              // Postgres down and the like fail the whole request (503), as on every other route
              if (!(err instanceof HeraldError) || err.status >= 500) throw err;
              return postmarkFailure(err).body;
            }
          }),
        ),
    );
  };
}
