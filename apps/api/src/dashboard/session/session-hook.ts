import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Db, Store } from '@herald/core';
import type { DashboardContext } from '../context.ts';
import { sendPage } from '../context.ts';
import { errorPage } from '../views/error-page.ts';
import { cookieOptions, PRE_SESSION_COOKIE, SESSION_COOKIE } from './cookies.ts';
import { resolvePrincipal } from './principal.ts';
import type { SessionStore } from './session-store.ts';

export interface SessionHookDeps {
  db: Db;
  store: Store;
  sessions: SessionStore;
  adminToken: string | undefined;
  env: string;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && x.length > 0 && timingSafeEqual(x, y);
}

/**
 * Loads the visitor's session and what it may do (request.dashboard), then refuses every POST whose
 * `_csrf` field is not the session's token (or, signed out, the pre-session cookie's): one hook for
 * every state-changing form. A session whose key was revoked or expired is ended here.
 */
export function sessionHook(deps: SessionHookDeps) {
  return async function loadSession(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const sessionId = request.cookies[SESSION_COOKIE] ?? null;
    let session = sessionId ? await deps.sessions.get(sessionId) : null;
    let resolved = session ? await resolvePrincipal(deps, session.principal) : null;
    if (sessionId && session && !resolved) {
      await deps.sessions.destroy(sessionId);
      session = null;
    }
    if (sessionId && !session) void reply.clearCookie(SESSION_COOKIE, cookieOptions(deps.env));
    if (!session) resolved = null;

    let csrf = session?.csrf;
    if (!csrf) {
      csrf = request.cookies[PRE_SESSION_COOKIE];
      if (!csrf || !/^[A-Za-z0-9_-]{43}$/.test(csrf)) {
        csrf = randomBytes(32).toString('base64url');
        void reply.setCookie(PRE_SESSION_COOKIE, csrf, cookieOptions(deps.env, 3600));
      }
    }
    const principal = resolved && resolved !== 'choose-project' ? resolved : null;
    const context: DashboardContext = {
      sessionId: session ? sessionId : null,
      session,
      principal,
      choosingProject: resolved === 'choose-project',
      viewer: {
        scopes: session ? (principal?.scopes ?? []) : null,
        admin: session?.principal.kind === 'admin',
        csrf,
        label: !session ? '' : session.principal.kind === 'key' ? `key ${session.principal.keyPrefix}…` : 'admin',
      },
    };
    request.dashboard = context;

    if (request.method === 'POST') {
      const given = (request.body as Record<string, unknown> | undefined)?._csrf;
      if (typeof given !== 'string' || !sameToken(given, csrf)) {
        await sendPage(reply, errorPage(context.viewer, 403, 'Form expired', 'The form was refused: it did not carry this session’s CSRF token. Reload the page and try again.'), 403);
      }
    }
  };
}
