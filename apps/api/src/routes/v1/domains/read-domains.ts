import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { domainIdParams, domainList, domainView } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { DKIM_KEY_ORDER, findDomain } from './find-domain.ts';

/** GET /v1/domains and GET /v1/domains/{id}: status, keys, and the records with their last check. */
export function readDomainsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/domains',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'listDomains',
          summary: 'List sending domains',
          tags: ['domains'],
          response: { 200: domainList, ...errorResponses(401, 403, 503) },
        },
      },
      async (request) => {
        const domains = await deps.db.domain.findMany({
          where: { projectId: request.auth.projectId, ...(request.auth.domains.length ? { name: { in: request.auth.domains } } : {}) },
          include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } },
          orderBy: { name: 'asc' },
        });
        return { data: domains.map((d) => presentDomain(d, deps.domainSettings)) };
      },
    );
    app.get(
      '/domains/:id',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'getDomain',
          summary: 'Get a sending domain',
          tags: ['domains'],
          params: domainIdParams,
          response: { 200: domainView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => presentDomain(await findDomain(deps.db, request.auth, request.params.id), deps.domainSettings),
    );
  };
}
