import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../app.ts';
import { postmarkBatchResults, postmarkError, postmarkErrors, postmarkSent, postmarkTemplatedBatch, postmarkTemplatedEmail } from './schemas.ts';
import { sendPostmarkBatch } from './send-batch.ts';
import { answerPostmarkEmail } from './send-email.ts';

/**
 * POST /postmark/email/withTemplate: a Herald template (TemplateId: its tpl_… id, or TemplateAlias)
 * rendered by intake with TemplateModel; Postmark's answer, ErrorCode 1101 when the project has no such
 * template.
 */
export function postmarkSendWithTemplateRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/email/withTemplate',
      {
        schema: {
          operationId: 'postmarkSendEmailWithTemplate',
          summary: 'Send an email with a template (Postmark)',
          description:
            "Postmark's POST /email/withTemplate, rendered from a Herald template: TemplateId is the Herald template id (tpl_…), TemplateAlias its alias, TemplateModel its variables (a missing variable prints as nothing, as on Postmark). A template the project does not have: 422 ErrorCode 1101.",
          body: postmarkTemplatedEmail,
          response: { 200: postmarkSent, 422: postmarkError, ...postmarkErrors(401, 413, 415, 429, 503) },
        },
      },
      async (request, reply) => answerPostmarkEmail(deps, request, reply, request.body),
    );
  };
}

/** POST /postmark/email/batchWithTemplates: `{ Messages }`, each sent on its own from its template; one result per message, in order. */
export function postmarkSendBatchWithTemplatesRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/email/batchWithTemplates',
      {
        schema: {
          operationId: 'postmarkSendBatchWithTemplates',
          summary: 'Send a batch of emails with templates (Postmark)',
          description:
            "Postmark's POST /email/batchWithTemplates: up to 500 messages in Messages, each rendered from its Herald template and sent on its own; one result per message, in order (ErrorCode 1101 for a template the project does not have).",
          body: postmarkTemplatedBatch,
          response: { 200: postmarkBatchResults, ...postmarkErrors(401, 413, 415, 422, 429, 503) },
        },
      },
      async (request) => sendPostmarkBatch(deps, request, request.body.Messages, postmarkTemplatedEmail),
    );
  };
}
