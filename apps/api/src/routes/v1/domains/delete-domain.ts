import { z } from 'zod';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { countWaitingMessages, deleteDomain, HeraldError } from '@herald/core';
import type { AppDeps } from '../../../app.ts';
import { requireScope } from '../../../plugins/require-scope.ts';
import { deleteDomainQuery, domainIdParams } from '../../../schemas/domains.ts';
import { errorResponses } from '../../../schemas/error.ts';
import { requireDomain } from './require-domain.ts';

/** DELETE /v1/domains/{id}: refused while messages from it wait to be sent, unless forced. */
export function deleteDomainRoute(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.delete(
      '/domains/:id',
      {
        preHandler: requireScope('domains:manage'),
        schema: {
          operationId: 'deleteDomain',
          summary: 'Delete a sending domain',
          description:
            'Deletes the domain and its DKIM keys. While messages from it are scheduled, queued or being retried the answer is 409, unless force=true: those messages then fail instead of being sent unsigned.',
          tags: ['domains'],
          params: domainIdParams,
          querystring: deleteDomainQuery,
          response: { 204: z.undefined().describe('Deleted'), ...errorResponses(401, 403, 404, 409, 503) },
        },
      },
      async (request, reply) => {
        const { projectId } = request.auth;
        const domain = await requireDomain(deps.db, request.auth, request.params.id);
        const waiting = await countWaitingMessages(deps.db, projectId, domain.id);
        if (waiting > 0 && request.query.force !== 'true') {
          throw new HeraldError('conflict', `${waiting} message(s) from ${domain.name} are waiting to be sent; retry with force=true to delete anyway`, {
            waiting_messages: waiting,
          });
        }
        // a delete that finds nothing lost a race with another: answered as if it had come second
        if (!(await deleteDomain(deps.db, projectId, domain.id))) throw new HeraldError('not_found', `no domain ${domain.id}`);
        return reply.status(204).send();
      },
    );
  };
}
