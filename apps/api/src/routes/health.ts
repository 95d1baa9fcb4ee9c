import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { runReadinessChecks } from '@herald/core';
import type { AppDeps } from '../app.ts';

const checkResult = z.object({ status: z.enum(['ok', 'fail']), checks: z.record(z.string(), z.string()) });

/** /healthz: the process is alive. /readyz: Postgres and Redis answer and the migrations are applied (503 otherwise). */
export function healthRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      { schema: { operationId: 'healthz', summary: 'Liveness', tags: ['health'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );
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
