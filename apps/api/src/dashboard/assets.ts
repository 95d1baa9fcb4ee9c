import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { FastifyInstance } from 'fastify';

const require = createRequire(import.meta.url);
const here = new URL('./assets/', import.meta.url);

/** The only files the dashboard's pages load: its stylesheet and script, and Chart.js from its package (no CDN). */
const ASSETS: Record<string, { type: string; file: string | URL }> = {
  'dashboard.css': { type: 'text/css; charset=utf-8', file: new URL('dashboard.css', here) },
  'dashboard.js': { type: 'text/javascript; charset=utf-8', file: new URL('dashboard.js', here) },
  'chart.umd.js': { type: 'text/javascript; charset=utf-8', file: join(dirname(require.resolve('chart.js')), 'chart.umd.min.js') },
};

/** GET /dashboard/assets/<name>, read once at start-up. */
export function assetRoutes() {
  const loaded = new Map(Object.entries(ASSETS).map(([name, asset]) => [name, { type: asset.type, body: readFileSync(asset.file) }]));
  return async (app: FastifyInstance) => {
    app.get('/assets/:name', async (request, reply) => {
      const asset = loaded.get((request.params as { name: string }).name);
      if (!asset) return reply.status(404).type('text/plain; charset=utf-8').send('no such asset');
      return reply.type(asset.type).header('cache-control', 'public, max-age=300').send(asset.body);
    });
  };
}
