import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { HeraldError } from '@herald/core';

/**
 * The admin API answers only `Authorization: Bearer <HERALD_ADMIN_TOKEN>`, compared in constant time;
 * without a configured token it does not exist (404), as if the routes were not there.
 */
export function adminAuth(token: string | undefined) {
  const matches = adminTokenCheck(token);
  return async function checkAdmin(request: FastifyRequest): Promise<void> {
    if (!token) throw new HeraldError('not_found', `no route ${request.method} ${request.url.split('?')[0]}`);
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw new HeraldError('unauthorized', 'Authorization: Bearer <admin token> is required');
    if (!matches(match[1] as string)) throw new HeraldError('unauthorized', 'the admin token is not valid');
  };
}

/** Whether a presented token is HERALD_ADMIN_TOKEN, compared in constant time (never, when none is set). */
export function adminTokenCheck(token: string | undefined): (given: string) => boolean {
  const expected = token ? createHash('sha256').update(token).digest() : null;
  return (given) => expected !== null && timingSafeEqual(createHash('sha256').update(given).digest(), expected);
}
