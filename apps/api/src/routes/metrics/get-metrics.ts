import type { FastifyPluginAsync } from 'fastify';
import { HeraldError, metricsAccessCheck, renderApiMetrics, type ApiConfig } from '@herald/core';

/**
 * GET /metrics: this API process's Prometheus metrics, to Prometheus with HERALD_METRICS_TOKEN (or to
 * anyone in development when no token is set; 404 otherwise); with several API processes on the port,
 * the whole API's (cluster-metrics.ts). Not in the OpenAPI document: it is for operators, not API clients.
 */
export function getMetricsRoute(deps: { config: ApiConfig }): FastifyPluginAsync {
  const access = metricsAccessCheck(deps.config);
  return async (app) => {
    app.get('/metrics', { schema: { hide: true } }, async (request, reply) => {
      const decision = access(request.headers.authorization);
      if (!decision.allowed) throw new HeraldError(decision.code, decision.message);
      try {
        const { contentType, body } = await renderApiMetrics();
        return await reply.type(contentType).send(body);
      } catch (err) {
        request.log.warn({ err }, 'metrics could not be collected');
        throw new HeraldError('service_unavailable', `metrics could not be collected: ${(err as Error).message}`);
      }
    });
  };
}
