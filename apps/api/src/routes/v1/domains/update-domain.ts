import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { HeraldError, updateDomainSettings } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { domainIdParams, domainView, updateDomainBody } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { requireDomain } from './require-domain.ts';

/** PATCH /v1/domains/{id}: changes the domain's settings given (today: unsubscribe_default). */
export function updateDomainRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.patch(
      '/domains/:id',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'updateDomain',
          summary: 'Change a sending domain',
          description: 'Changes the settings given; messages already accepted keep what they were accepted with.',
          tags: ['domains'],
          params: domainIdParams,
          body: updateDomainBody,
          response: { 200: domainView, ...errorResponses(400, 401, 403, 404, 503) },
        },
      },
      async (request) => {
        const { id } = request.params;
        // an unknown domain (or one outside a limited key's domains) answers before the body is applied
        await requireDomain(deps.db, request.auth, id);
        const updated = await updateDomainSettings(deps.db, request.auth.projectId, id, { unsubscribeDefault: request.body.unsubscribe_default });
        if (!updated) throw new HeraldError('not_found', `no domain ${id}`);
        return presentDomain(updated, deps.domainSettings);
      },
    );
  };
}
