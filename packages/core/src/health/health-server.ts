import { createServer, type Server, type ServerResponse } from 'node:http';
import type { MetricsAccess } from '../metrics/metrics-access.ts';
import { renderMetrics } from '../metrics/registry.ts';
import { runReadinessChecks, type ReadinessCheck } from './readiness.ts';

export interface HealthServerOptions {
  host: string;
  port: number;
  /** Serves GET /metrics (the process's registry) to whom the check lets in; absent: no /metrics. */
  metrics?: ((authorization: string | undefined) => MetricsAccess) | undefined;
}

/**
 * A process's probes, on a port of their own (the worker's, the SMTP listener's, the inbound MX's: any that
 * has no HTTP API): GET /healthz answers 200 while the process runs; GET /readyz answers 200 when
 * every check passes (Postgres, Redis, migrations), 503 with each check's result otherwise; GET
 * /metrics answers the process's Prometheus metrics (metrics-access.ts: the token, or development).
 * Nothing else is served.
 */
export async function startHealthServer(checks: Record<string, ReadinessCheck>, options: HealthServerOptions): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { error: { code: 'method_not_allowed', message: 'only GET' } });
    if (request.url === '/healthz') return send(200, { status: 'ok' });
    if (request.url === '/readyz') {
      void runReadinessChecks(checks).then((report) => send(report.status === 'ok' ? 200 : 503, report));
      return;
    }
    if (request.url === '/metrics' && options.metrics) return void serveMetrics(options.metrics(request.headers.authorization), response, send);
    send(404, { error: { code: 'not_found', message: `GET /healthz, /readyz${options.metrics ? ' or /metrics' : ''}` } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}

async function serveMetrics(access: MetricsAccess, response: ServerResponse, send: (status: number, body: unknown, headers?: Record<string, string>) => void) {
  if (!access.allowed) {
    return send(access.status, { error: { code: access.code, message: access.message } }, access.status === 401 ? { 'www-authenticate': access.challenge } : {});
  }
  try {
    const { contentType, body } = await renderMetrics();
    response.writeHead(200, { 'content-type': contentType }).end(body);
  } catch (err) {
    send(503, { error: { code: 'service_unavailable', message: `metrics could not be collected: ${(err as Error).message}` } });
  }
}
