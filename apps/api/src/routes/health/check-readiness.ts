import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { runReadinessChecks } from '@herald/core';
import type { AppDeps } from '../../app.ts';

const checkResult = z.object({ status: z.enum(['ok', 'fail']), checks: z.record(z.string(), z.string()) });

/** GET /readyz: Postgres and Redis answer and the migrations are applied (503 otherwise). */
export function checkReadinessRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/readyz',
      { schema: { operationId: 'readyz', summary: 'Readiness', tags: ['health'], security: [], response: { 200: checkResult, 503: checkResult } } },
      async (_request, reply) => {
        const report = await runReadinessChecks(deps.readiness);
        return reply.status(report.status === 'ok' ? 200 : 503).send(report);
      },
    );
  };
}
