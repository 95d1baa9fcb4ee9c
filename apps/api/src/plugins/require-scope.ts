import type { FastifyRequest } from 'fastify';
import { HeraldError, type Scope } from '@herald/core';

/** A preHandler refusing keys without the scope with 403 insufficient_scope, naming what is missing. */
export function requireScope(scope: Scope) {
  return async function checkScope(request: FastifyRequest): Promise<void> {
    if (!request.auth.scopes.includes(scope)) {
      throw new HeraldError('insufficient_scope', `this request needs the ${scope} scope`, [
        { field: 'scope', message: `missing ${scope}` },
      ]);
    }
  };
}
