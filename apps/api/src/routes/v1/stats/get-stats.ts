import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { assertKeyMayUseDomains, findDomainByNameOrId, HeraldError, projectStats } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { MAY_LAG } from '../../../openapi/may-lag.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { MAX_RANGE_DAYS, statsQuery, statsView } from '../../../schemas/stats.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** GET /v1/stats: counts, latency, bounce reasons and recipient domains over a range, from the hourly rollups. */
export function getStatsRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/stats',
      {
        preHandler: requireScope('messages:read'),
        schema: {
          operationId: 'getStats',
          summary: 'Statistics',
          description:
            `Per hour or per UTC day over a range: recipients accepted, delivered, deferred, bounced (hard and soft), failed, complained, unsubscribed and suppressed; delivery latency p50/p95; the top bounce reasons and recipient domains. Filter by sending domain and tag. A key limited to some domains must name one of them. ${MAY_LAG}`,
          tags: ['stats'],
          querystring: statsQuery,
          response: { 200: statsView, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const q = request.query;
        const to = ceilHour(q.to ? new Date(q.to) : new Date());
        const from = floorHour(q.from ? new Date(q.from) : new Date(to.getTime() - 7 * DAY));
        if (from >= to) throw invalid('query.from', 'must be before to');
        if (to.getTime() - from.getTime() > MAX_RANGE_DAYS[q.granularity] * DAY) {
          throw invalid('query.from', `the range may be at most ${MAX_RANGE_DAYS[q.granularity]} days with granularity ${q.granularity}`);
        }
        let domainId: string | undefined;
        if (q.domain !== undefined) {
          const domain = await findDomainByNameOrId(deps.db, request.auth.projectId, q.domain);
          if (!domain) throw new HeraldError('not_found', `no domain ${q.domain}`);
          assertKeyMayUseDomains(request.auth, [domain.name], 'query.domain');
          domainId = domain.id;
        } else if (request.auth.domains.length > 0) {
          throw new HeraldError('insufficient_scope', `query.domain: this API key is limited to ${request.auth.domains.join(', ')}; name one of them`, [
            { field: 'query.domain', message: 'is required for a key limited to some domains' },
          ]);
        }
        // may lag behind the primary (docs/read-replica.md); the domain above is looked up on the primary
        const stats = await deps.store.staleReads.read((db) => projectStats(db, { projectId: request.auth.projectId, from, to, granularity: q.granularity, domainId, tag: q.tag }));
        return {
          from: from.toISOString(),
          to: to.toISOString(),
          granularity: q.granularity,
          domain: q.domain ?? null,
          tag: q.tag ?? null,
          ...stats,
          series: stats.series.map((point) => ({ ...point, start: point.start.toISOString() })),
        };
      },
    );
  };
}

const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR) * HOUR);
const ceilHour = (d: Date) => new Date(Math.ceil(d.getTime() / HOUR) * HOUR);
const invalid = (field: string, message: string) => new HeraldError('validation_failed', `${field}: ${message}`, [{ field, message }]);
