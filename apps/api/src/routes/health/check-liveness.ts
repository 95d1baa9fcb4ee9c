import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

/** GET /healthz: the process is alive (no key, no dependency checked). */
export function checkLivenessRoute(): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/healthz',
      { schema: { operationId: 'healthz', summary: 'Liveness', tags: ['health'], security: [], response: { 200: z.object({ status: z.literal('ok') }) } } },
      async () => ({ status: 'ok' as const }),
    );
  };
}
