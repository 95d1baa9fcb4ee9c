import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { domainIdParams, domainView } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { requireDomain } from './require-domain.ts';

/** GET /v1/domains/{id}: status, keys, and the records with their last check. */
export function getDomainRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
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
      async (request) => presentDomain(await requireDomain(deps.db, request.auth, request.params.id), deps.domainSettings),
    );
  };
}
