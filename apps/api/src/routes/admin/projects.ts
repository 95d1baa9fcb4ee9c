import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { createProject } from '@herald/core';
import type { AppDeps } from '../../app.ts';
import { adminAuth } from '../../plugins/admin-auth.ts';
import { errorResponses } from '../../schemas/error.ts';

const projectView = z
  .object({ id: z.string(), name: z.string(), test_mode: z.boolean(), daily_quota: z.number().int().nullable(), created_at: z.string() })
  .meta({ id: 'Project' });

const createProjectBody = z
  .object({
    name: z.string().min(1).max(100),
    test_mode: z.boolean().default(false).describe("The project's mail goes through the pipeline but reaches nobody"),
    daily_quota: z.number().int().min(0).nullable().default(null).describe('Recipients per UTC day; null: HERALD_DAILY_QUOTA; 0: no limit'),
  })
  .strict()
  .meta({ id: 'CreateProjectRequest' });

/** /admin/projects: create and list projects, with HERALD_ADMIN_TOKEN. Everything else uses project keys. */
export function adminProjectsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.addHook('onRequest', adminAuth(deps.config.adminToken));
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, security: [{ adminToken: [] }] };
    });
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
        const project = await deps.db.project.findUniqueOrThrow({ where: { id: created.project.id } });
        return reply.status(201).send({ project: present(project), api_key: created.apiKey });
      },
    );
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
      async () => ({ data: (await deps.db.project.findMany({ orderBy: { createdAt: 'asc' } })).map(present) }),
    );
  };
}

function present(p: { id: string; name: string; testMode: boolean; dailyQuota: number | null; createdAt: Date }) {
  return { id: p.id, name: p.name, test_mode: p.testMode, daily_quota: p.dailyQuota, created_at: p.createdAt.toISOString() };
}
