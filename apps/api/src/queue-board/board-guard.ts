import type { FastifyReply, FastifyRequest } from 'fastify';
import { HeraldError, type ErrorCode } from '@herald/core';
import { adminTokenCheck } from '../plugins/admin-auth.ts';

/**
 * The queue board is a browser page whose script calls its own JSON API, so a browser must be able
 * to present the admin token on every request without script: HTTP Basic (any user name, the token
 * as the password), which the browser asks for once and then repeats; `Authorization: Bearer` works
 * too, for tools. A browser repeating credentials by itself is what cross-site request forgery
 * abuses, so a request that changes something must come from the board's own origin (Sec-Fetch-Site
 * or Origin), and while HERALD_QUEUE_BOARD_WRITABLE is false nothing may change at all.
 */
export const BOARD_CHALLENGE = 'Basic realm="Herald queues", charset="UTF-8"';

/**
 * The board's own script and styles only (no inline script; its inline styles are allowed), no
 * fonts or anything else from elsewhere, never in a frame.
 */
export const BOARD_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

const SAFE_METHODS = new Set(['GET', 'HEAD']);

export function boardGuard(options: { adminToken: string | undefined; writable: boolean }) {
  const matches = adminTokenCheck(options.adminToken);
  return async function guardBoard(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    void reply.header('content-security-policy', BOARD_CSP).header('x-frame-options', 'DENY').header('referrer-policy', 'no-referrer').header('cache-control', 'no-store');
    const path = request.url.split('?')[0];
    if (!options.adminToken) return refuse(reply, 'not_found', `no route ${request.method} ${path}`);
    const token = presentedToken(request.headers.authorization);
    if (token === null || !matches(token)) {
      void reply.header('www-authenticate', BOARD_CHALLENGE);
      return refuse(reply, 'unauthorized', token === null ? 'the admin token is required (HTTP Basic password, or Bearer)' : 'the admin token is not valid');
    }
    if (SAFE_METHODS.has(request.method)) return undefined;
    if (!options.writable) return refuse(reply, 'method_not_allowed', 'the queue board is read-only (HERALD_QUEUE_BOARD_WRITABLE=false)');
    if (crossSite(request)) return refuse(reply, 'cross_site_request', 'a change on the queue board must come from the board itself (same origin)');
    return undefined;
  };
}

/** Answered here, in Herald's shape: the board's routes have an error handler of their own. */
function refuse(reply: FastifyReply, code: ErrorCode, message: string): FastifyReply {
  const error = new HeraldError(code, message);
  return reply.code(error.status).type('application/json; charset=utf-8').send(error.toJSON());
}

/** The token of `Basic base64(user:token)` or `Bearer token`; null when neither is presented. */
export function presentedToken(authorization: string | undefined): string | null {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (bearer) return bearer[1] as string;
  const basic = /^Basic\s+([A-Za-z0-9+/]+=*)\s*$/i.exec(authorization ?? '');
  if (!basic) return null;
  const decoded = Buffer.from(basic[1] as string, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? null : decoded.slice(colon + 1);
}

/** A browser says where a request comes from (Sec-Fetch-Site, else Origin); a tool says nothing and is trusted with its token. */
function crossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (typeof site === 'string') return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (typeof origin !== 'string') return false;
  try {
    return new URL(origin).host !== request.headers.host;
  } catch {
    return true;
  }
}
