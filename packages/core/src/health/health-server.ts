import { createServer, type Server } from 'node:http';
import { runReadinessChecks, type ReadinessCheck } from './readiness.ts';

/**
 * The probes of a process without an HTTP API of its own (the worker, the inbound MX), on a port of their own: GET /healthz answers 200 while the process runs;
 * GET /readyz answers 200 when every check passes (Postgres, Redis, migrations), 503 with each
 * check's result otherwise. Nothing else is served.
 */
export async function startHealthServer(checks: Record<string, ReadinessCheck>, options: { host: string; port: number }): Promise<Server> {
  const server = createServer((request, response) => {
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (request.method !== 'GET') return send(405, { error: { code: 'method_not_allowed', message: 'only GET' } });
    if (request.url === '/healthz') return send(200, { status: 'ok' });
    if (request.url === '/readyz') {
      void runReadinessChecks(checks).then((report) => send(report.status === 'ok' ? 200 : 503, report));
      return;
    }
    send(404, { error: { code: 'not_found', message: 'GET /healthz or /readyz' } });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  return server;
}
