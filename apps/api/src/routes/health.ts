import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app.ts';

const checkResult = z.object({ status: z.enum(['ok', 'fail']), checks: z.record(z.string(), z.string()) });

/** /healthz: the process is alive. /readyz: every dependency answers (503 otherwise). */
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
        const checks: Record<string, string> = {};
        let ok = true;
        for (const [name, check] of Object.entries(deps.readiness)) {
          try {
            await check();
            checks[name] = 'ok';
          } catch (err) {
            ok = false;
            checks[name] = (err as Error).message || 'failed';
          }
        }
        return reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'fail', checks });
      },
    );
  };
}
