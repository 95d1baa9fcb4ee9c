import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createProject, getProject, HeraldError } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { presentProject } from '../../presenters/project.ts';
import { errorResponses } from '../../schemas/error.ts';
import { createProjectBody, projectView } from '../../schemas/projects.ts';

/** POST /admin/projects: a project and its first API key (full access), shown once. */
export function createProjectRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/projects',
      {
        schema: {
          operationId: 'adminCreateProject',
          summary: 'Create a project (admin)',
          description: 'Answers with the project and its first API key (full access), shown once.',
          tags: ['admin'],
          body: createProjectBody,
          response: {
            201: z.object({ project: projectView, api_key: z.object({ id: z.string(), key: z.string(), prefix: z.string() }) }),
            ...errorResponses(400, 401, 404, 409, 503),
          },
        },
      },
      async (request, reply) => {
        const created = await createProject(deps.db, request.body.name, { testMode: request.body.test_mode, dailyQuota: request.body.daily_quota });
        // read back for the columns the database sets (created_at)
        const project = await getProject(deps.db, created.project.id);
        if (!project) throw new HeraldError('not_found', `no project ${created.project.id}`);
        return reply.status(201).send({ project: presentProject(project), api_key: created.apiKey });
      },
    );
  };
}
