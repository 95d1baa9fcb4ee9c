import type { FastifyRequest } from 'fastify';
import { HeraldError, resolveApiKey, type Db, type KeyContext } from '@herald/core';

export type AuthContext = KeyContext;

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
  }
}

/**
 * Resolves `Authorization: Bearer hk_…` to a project. Unknown, malformed, revoked and expired keys
 * get the same 401, so that the answer tells an attacker nothing.
 */
export function authenticate(db: Db) {
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new HeraldError('unauthorized', 'Authorization: Bearer <api key> is required');
    const context = await resolveApiKey(db, match[1] as string, request.log);
    if (!context) throw new HeraldError('unauthorized', 'the API key is not valid');
    request.auth = context;
  };
}
