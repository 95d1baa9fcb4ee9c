import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError } from '@herald/core';
import { updateTemplate } from '@herald/core/templates';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentTemplate } from '../../../presenters/template.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { templateIdParams, templateView, updateTemplateBody } from '../../../schemas/templates.ts';

/** PATCH /v1/templates/{id}: new content is a new version; name, alias and layout change in place. */
export function updateTemplateRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.patch(
      '/templates/:id',
      {
        preHandler: requireScope('templates:manage'),
        schema: {
          operationId: 'updateTemplate',
          summary: 'Change a template',
          description:
            'Any of subject, html, text and sample_variables makes a new immutable version (the latest with those replaced), published unless publish is false. published_version publishes an existing version instead. Messages already accepted keep what they were rendered with.',
          tags: ['templates'],
          params: templateIdParams,
          body: updateTemplateBody,
          response: { 200: templateView, ...errorResponses(400, 401, 403, 404, 409, 413, 503) },
        },
      },
      async (request) => {
        const b = request.body;
        const updated = await updateTemplate(deps.db, request.auth.projectId, request.params.id, {
          name: b.name,
          alias: b.alias,
          layoutId: b.layout_id,
          content: { subject: b.subject, html: b.html, text: b.text, sampleVariables: b.sample_variables },
          publish: b.publish,
          publishVersion: b.published_version,
        });
        if (!updated) throw new HeraldError('not_found', `no template ${request.params.id}`);
        return presentTemplate(updated);
      },
    );
  };
}
