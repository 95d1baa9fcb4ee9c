import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { rotateDkim } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { domainIdParams, domainView } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { requireDomain } from './require-domain.ts';

/** POST /v1/domains/{id}/dkim/rotate: new keys that sign only once their records are published. */
export function rotateDkimRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/domains/:id/dkim/rotate',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'rotateDkim',
          summary: 'Rotate the DKIM keys',
          description:
            'Adds a new key under a new selector for each algorithm the domain signs with. The old keys keep signing until verification finds the new records; then the new keys sign and the old ones stay published for HERALD_DKIM_ROTATION_GRACE before they are retired. No message is ever signed with an unpublished key. 409 while a rotation is already waiting.',
          tags: ['domains'],
          params: domainIdParams,
          response: { 200: domainView, ...errorResponses(401, 403, 404, 409, 503) },
        },
      },
      async (request) => {
        const domain = await requireDomain(deps.db, request.auth, request.params.id);
        await rotateDkim(deps.db, deps.masterKey, domain.id);
        return presentDomain(await requireDomain(deps.db, request.auth, domain.id), deps.domainSettings);
      },
    );
  };
}
