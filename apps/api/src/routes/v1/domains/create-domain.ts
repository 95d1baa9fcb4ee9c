import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { addDomain, assertKeyMayUseDomains, normalizeDomain } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { presentDomain } from '../../../presenters/domain.ts';
import { createDomainBody, domainView } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { requireDomain } from './require-domain.ts';

/** POST /v1/domains: a new sending domain with fresh DKIM keys; answers with the records to publish. */
export function createDomainRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.post(
      '/domains',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'createDomain',
          summary: 'Add a sending domain',
          description:
            'Generates an RSA-2048 DKIM key (and an Ed25519 one if asked) under a fresh selector, encrypted at rest, and answers with the DNS records to publish. The domain sends once POST /v1/domains/{id}/verify finds its DKIM record.',
          tags: ['domains'],
          body: createDomainBody,
          response: { 201: domainView, ...errorResponses(400, 401, 403, 409, 503) },
        },
      },
      async (request, reply) => {
        assertKeyMayUseDomains(request.auth, [normalizeDomain(request.body.name) ?? request.body.name], 'name');
        const added = await addDomain(deps.db, deps.masterKey, request.auth.projectId, request.body.name, {
          ed25519: request.body.ed25519,
          allowSubdomains: request.body.allow_subdomains,
        });
        const domain = await requireDomain(deps.db, request.auth, added.id);
        return reply.status(201).send(presentDomain(domain, deps.domainSettings));
      },
    );
  };
}
