import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { refreshDomain } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { domainIdParams, domainView } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { requireDomain } from './require-domain.ts';

/** POST /v1/domains/{id}/verify: looks every record up now and reports each. */
export function verifyDomainRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/domains/:id/verify',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'verifyDomain',
          summary: 'Verify a sending domain now',
          description:
            "Looks each record up through Herald's resolver and reports, per record, what was found, what was expected, and why it is not right. The domain becomes verified once its DKIM records match; a DKIM rotation waiting for its record completes when the record is found.",
          tags: ['domains'],
          params: domainIdParams,
          response: { 200: domainView, ...errorResponses(401, 403, 404, 503) },
        },
      },
      async (request) => {
        const domain = await requireDomain(deps.db, request.auth, request.params.id);
        await refreshDomain(deps.db, deps.resolver, domain.id, deps.domainSettings);
        return presentDomain(await requireDomain(deps.db, request.auth, domain.id), deps.domainSettings);
      },
    );
  };
}
