import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { listDomains } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { domainList } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';

/** GET /v1/domains: status, keys, and the records with their last check; a limited key sees only its domains. */
export function listDomainsRoute(deps: AppDeps): FastifyPluginAsyncZod {
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
        const { auth } = request;
        const domains = await listDomains(deps.db, auth.projectId, auth.domains.length ? auth.domains : undefined);
        return { data: domains.map((d) => presentDomain(d, deps.domainSettings)) };
      },
    );
  };
}
