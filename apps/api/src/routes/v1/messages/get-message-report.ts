import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { findFeedbackReport, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentFeedbackReport } from '../../../presenters/feedback-report.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { feedbackReportView, reportParams } from '../../../schemas/feedback-reports.ts';

/** GET /v1/messages/{id}/reports/{report_id}: a bounce, complaint or other notification received about the message. */
export function getMessageReportRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/messages/:id/reports/:report_id',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'getMessageReport',
          summary: 'A notification received about a message',
          description:
            "A delivery status notification, complaint, auto-reply or unsubscribe mail the inbound MX received about the message (an event's report_id names it): what it was read as, a summary, and the raw text until retention removes it. Another project's ids answer 404.",
          tags: ['messages'],
          params: reportParams,
          response: { 200: feedbackReportView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => {
        const report = await findFeedbackReport(deps.db, request.auth.projectId, request.params.id, request.params.report_id);
        if (!report) throw new HeraldError('not_found', `no report ${request.params.report_id} of message ${request.params.id}`);
        return presentFeedbackReport(report);
      },
    );
  };
}
