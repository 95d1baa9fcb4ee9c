import type { FastifyInstance } from 'fastify';
import { metrics } from '@herald/core';

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

/**
 * One hook for every request the API answers: herald_http_request_duration_seconds by method, route
 * template (fastify's routeOptions.url, `/v1/messages/:id`, never the URL asked for: ids and queries
 * would make a series per request) and status. A request no route matched is `unmatched`.
 */
export function recordHttpMetrics(app: FastifyInstance): void {
  app.addHook('onResponse', (request, reply, done) => {
    metrics().httpRequestDuration.observe(
      {
        method: METHODS.has(request.method) ? request.method : 'other',
        route: request.routeOptions.url ?? 'unmatched',
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
    done();
  });
}
