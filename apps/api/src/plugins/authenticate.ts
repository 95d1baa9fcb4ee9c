import type { FastifyRequest } from 'fastify';
import { HeraldError, resolveApiKey, type KeyContext, type Store } from '@herald/core';
import { lentPrincipal } from './in-process-principal.ts';

export type AuthContext = KeyContext;

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
  }
}

/**
 * Where a request carries its API key: `Authorization: Bearer` for Herald's own API; a vendor's header
 * (such as X-Postmark-Server-Token) in that vendor's compatible scope. Answers the key, or what is
 * missing, in words for the 401.
 */
export type KeyExtractor = (request: FastifyRequest) => { key: string } | { missing: string };

export const bearerKey: KeyExtractor = (request) => {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
  return match ? { key: match[1] as string } : { missing: 'Authorization: Bearer <api key> is required' };
};

/**
 * Resolves the request's API key (found by `extract`) to a project. Unknown, malformed, revoked and
 * expired keys get the same 401, so that the answer tells an attacker nothing.
 */
export function authenticate(store: Store, extract: KeyExtractor = bearerKey) {
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    // the dashboard calling the API in-process, as its signed-in principal (plugins/in-process-principal.ts)
    const lent = lentPrincipal(request);
    if (lent) {
      request.auth = lent;
      return;
    }
    const found = extract(request);
    if ('missing' in found) throw new HeraldError('unauthorized', found.missing);
    const context = await resolveApiKey(store, found.key, request.log);
    if (!context) throw new HeraldError('unauthorized', 'the API key is not valid');
    request.auth = context;
  };
}
