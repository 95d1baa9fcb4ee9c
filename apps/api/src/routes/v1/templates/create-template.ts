import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createTemplate } from '@herald/core/templates';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentTemplate } from '../../../presenters/template.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { createTemplateBody, templateView } from '../../../schemas/templates.ts';

/** POST /v1/templates: a template (or layout) and its first version, published. */
export function createTemplateRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/templates',
      {
        preHandler: requireScope('templates:manage'),
        schema: {
          operationId: 'createTemplate',
          summary: 'Create a template or a layout',
          description:
            'Subject, HTML and text are Handlebars templates, validated now: a syntax error is a 400 naming the field, line and column; a field over 512 KB is refused. Version 1 is published. An alias already used in the project answers 409.',
          tags: ['templates'],
          body: createTemplateBody,
          response: { 201: templateView, ...errorResponses(400, 401, 403, 404, 409, 413, 503) },
        },
      },
      async (request, reply) => {
        const b = request.body;
        const created = await createTemplate(deps.db, request.auth.projectId, {
          kind: b.kind,
          name: b.name,
          alias: b.alias ?? null,
          layoutId: b.layout_id ?? null,
          content: { subject: b.subject ?? '', html: b.html, text: b.text ?? null, sampleVariables: b.sample_variables ?? null },
        });
        return reply.status(201).send(presentTemplate(created));
      },
    );
  };
}
