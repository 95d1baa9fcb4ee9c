import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listProjects } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { presentProject } from '../../presenters/project.ts';
import { errorResponses } from '../../schemas/error.ts';
import { projectView } from '../../schemas/projects.ts';

/** GET /admin/projects: every project, oldest first. */
export function listProjectsRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/projects',
      {
        schema: {
          operationId: 'adminListProjects',
          summary: 'List projects (admin)',
          tags: ['admin'],
          response: { 200: z.object({ data: z.array(projectView) }), ...errorResponses(401, 404, 503) },
        },
      },
      async () => ({ data: (await listProjects(deps.db)).map(presentProject) }),
    );
  };
}
