import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import type { FastifyRequest } from 'fastify';
import type { KeyContext } from '@herald/core';

/** The header an in-process request (app.inject) names its principal's one-time token in. */
export const IN_PROCESS_PRINCIPAL_HEADER = 'x-herald-in-process-principal';

const pending = new Map<string, KeyContext>();

/**
 * Lends `principal` to one in-process request: answers the header to inject with it and a release
 * to call when the request has been answered. The dashboard calls the API's own routes this way, as
 * the signed-in key (or the admin's chosen project), so every rule, scope check and answer is the API's.
 */
export function lendPrincipal(principal: KeyContext): { headers: Record<string, string>; release: () => void } {
  const token = randomBytes(32).toString('base64url');
  pending.set(token, principal);
  return { headers: { [IN_PROCESS_PRINCIPAL_HEADER]: token }, release: () => pending.delete(token) };
}

/**
 * The principal lent to this request, if it is an in-process request (no network socket: a real
 * connection can never use the header, even with a token it somehow learnt) carrying a lent token.
 */
export function lentPrincipal(request: FastifyRequest): KeyContext | undefined {
  const token = request.headers[IN_PROCESS_PRINCIPAL_HEADER];
  if (typeof token !== 'string') return undefined;
  if (request.raw.socket instanceof Socket) return undefined;
  return pending.get(token);
}
