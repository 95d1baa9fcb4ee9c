import type { FastifyInstance } from 'fastify';
import { HeraldError } from '@herald/core';

/**
 * While the API shuts down (SIGTERM), a request that still arrives on an open keep-alive connection
 * is answered 503 service_unavailable in Herald's error shape, with Retry-After and Connection:
 * close, so the client retries elsewhere; requests already running finish. (fastify's own answer
 * for this, `return503OnClosing`, is in fastify's shape: it is turned off in buildApp.)
 */
export function refuseWhileDraining(app: FastifyInstance): void {
  let draining = false;
  app.addHook('preClose', async () => {
    draining = true;
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!draining) return;
    void reply.header('connection', 'close').header('retry-after', '1');
    throw new HeraldError('service_unavailable', 'the server is shutting down; retry the request');
  });
}
