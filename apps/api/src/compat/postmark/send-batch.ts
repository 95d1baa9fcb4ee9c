import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { HeraldError } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { INACTIVE_RECIPIENTS, postmarkFailure } from './present-error.ts';
import { postmarkBatch, postmarkBatchResults, postmarkEmail, postmarkErrors, type PostmarkEmail, type PostmarkTemplatedEmail } from './schemas.ts';
import { sendPostmarkEmail } from './send-email.ts';

/**
 * Postmark's batches: each item validated (by `schema`) and sent on its own through the one intake,
 * with its own result, in order; an invalid item gets ErrorCode 300, an unverified sender 400, a
 * missing template 1101. Items go through intake concurrently, so they share commits.
 */
export function sendPostmarkBatch(
  deps: AppDeps,
  request: FastifyRequest,
  items: Record<string, unknown>[],
  schema: z.ZodType<PostmarkEmail | PostmarkTemplatedEmail>,
) {
  return Promise.all(
    items.map(async (item, i) => {
      const parsed = schema.safeParse(item);
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
  );
}

/** POST /postmark/email/batch: as Postmark does it, each message sent on its own; the batch answers 200 with one result per message. */
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
      async (request) => sendPostmarkBatch(deps, request, request.body, postmarkEmail),
    );
  };
}
