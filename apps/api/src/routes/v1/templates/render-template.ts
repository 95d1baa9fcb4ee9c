import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { previewTemplate } from '@herald/core/templates';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { renderedTemplate, renderTemplateBody, templateIdParams } from '../../../schemas/templates.ts';

/** POST /v1/templates/{id}/render: what a send would carry, without sending. */
export function renderTemplateRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/templates/:id/render',
      {
        preHandler: requireScope('templates:manage'),
        schema: {
          operationId: 'renderTemplate',
          summary: 'Render a template without sending',
          description:
            "The subject, HTML (CSS inlined) and text a message would get, rendered exactly as a send renders them. Missing variables answer 400 naming each (unless allow_missing).",
          tags: ['templates'],
          params: templateIdParams,
          body: renderTemplateBody.optional(),
          response: { 200: renderedTemplate, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const { version, variables, allow_missing: allowMissing } = request.body ?? {};
        const r = await previewTemplate(deps.db, request.auth.projectId, request.params.id, { version, variables, allowMissing });
        return { template_id: r.templateId, version: r.templateVersion, subject: r.subject, html: r.html, text: r.text };
      },
    );
  };
}
