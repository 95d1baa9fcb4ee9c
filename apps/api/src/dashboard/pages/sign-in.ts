import type { FastifyInstance, FastifyReply } from 'fastify';
import { hashApiKey, resolveApiKey, type Store } from '@herald/core';
import { failOpen } from '@herald/core/limits/fail-open';
import type { SignInThrottle } from '@herald/core/limits/sign-in-throttle';
import { field, sendPage } from '../context.ts';
import { cookieOptions, PRE_SESSION_COOKIE, SESSION_COOKIE } from '../session/cookies.ts';
import { sha256 } from '../session/principal.ts';
import type { SessionPrincipal, SessionStore } from '../session/session-store.ts';
import { html } from '../views/html.ts';
import { csrfField, layout, notice, type Viewer } from '../views/layout.ts';

export interface SignInDeps {
  store: Store;
  sessions: SessionStore;
  env: string;
  ttlMs: number;
  /** Failed sign-ins per client address (Redis); absent, not limited. */
  throttle?: SignInThrottle | undefined;
}

function signInPage(viewer: Viewer, message?: { kind: 'error' | 'ok'; text: string }, title = 'Sign in') {
  return layout(viewer, {
    title,
    current: '/dashboard/sign-in',
    body: html`${message ? notice(message.kind, message.text) : ''}
<div class="cards">
<form class="card" method="post" action="/dashboard/sign-in">
  ${csrfField(viewer)}
  <h2>With an API key</h2>
  <p>The dashboard then shows what the key may see and do, nothing more.</p>
  <label for="api_key">API key</label>
  <input id="api_key" name="api_key" type="password" autocomplete="off" required placeholder="hk_live_…">
  <button type="submit">Sign in</button>
</form>
<form class="card" method="post" action="/dashboard/sign-in">
  ${csrfField(viewer)}
  <h2>As the admin</h2>
  <p>With HERALD_ADMIN_TOKEN; then choose a project.</p>
  <label for="admin_token">Admin token</label>
  <input id="admin_token" name="admin_token" type="password" autocomplete="off" required>
  <button type="submit">Sign in</button>
</form>
</div>`,
  });
}

/** 429 with Retry-After: too many failed sign-ins from this address. */
function tooManyAttempts(reply: FastifyReply, viewer: Viewer, seconds: number) {
  void reply.header('retry-after', String(seconds));
  return sendPage(
    reply,
    signInPage(viewer, { kind: 'error', text: `Too many failed sign-ins from your address: try again in ${seconds} s.` }, 'Too many attempts'),
    429,
  );
}

/** GET/POST /dashboard/sign-in and POST /dashboard/sign-out. */
export function signInPages(deps: SignInDeps) {
  return async (app: FastifyInstance) => {
    // Redis down: sign-ins are let through uncounted (and logged), as the API's rate limits do
    const limitCheck = failOpen(app.log, 'the dashboard sign-in limit (Redis)');
    app.get('/sign-in', async (request, reply) => {
      if (request.dashboard.session) return reply.redirect('/dashboard', 303);
      const signedOut = (request.query as Record<string, unknown>)['signed-out'] !== undefined;
      return sendPage(reply, signInPage(request.dashboard.viewer, signedOut ? { kind: 'ok', text: 'You are signed out.' } : undefined));
    });

    app.post('/sign-in', async (request, reply) => {
      // a client over its failures is refused before what it typed is looked at
      const { throttle } = deps;
      const wait = throttle ? await limitCheck(() => throttle.waitFor(request.ip), 0) : 0;
      if (wait > 0) return tooManyAttempts(reply, request.dashboard.viewer, wait);
      const apiKey = field(request, 'api_key').trim();
      const adminToken = field(request, 'admin_token').trim();
      let principal: SessionPrincipal | null = null;
      if (apiKey) {
        // the API's own rule: unknown, malformed, revoked and expired keys are all just "not valid"
        const context = await resolveApiKey(deps.store, apiKey, request.log);
        if (context) principal = { kind: 'key', keyHash: hashApiKey(apiKey), keyPrefix: apiKey.slice(0, 12) };
      } else if (adminToken) {
        // the admin API's own check (constant time; 404 when no token is configured)
        const answer = await app.inject({ method: 'GET', url: '/admin/projects', headers: { authorization: `Bearer ${adminToken}` } });
        if (answer.statusCode === 200) principal = { kind: 'admin', tokenHash: sha256(adminToken), projectId: null };
      }
      if (!principal) {
        if (throttle) await limitCheck(() => throttle.failed(request.ip), 0);
        return sendPage(reply, signInPage(request.dashboard.viewer, { kind: 'error', text: 'That key or token is not valid.' }), 401);
      }
      // a new session id at every sign-in (no fixation); the old one, if any, ends
      if (request.dashboard.sessionId) await deps.sessions.destroy(request.dashboard.sessionId);
      const { id } = await deps.sessions.create(principal);
      void reply.setCookie(SESSION_COOKIE, id, cookieOptions(deps.env, Math.floor(deps.ttlMs / 1000)));
      void reply.clearCookie(PRE_SESSION_COOKIE, cookieOptions(deps.env));
      return reply.redirect(principal.kind === 'admin' ? '/dashboard/projects' : '/dashboard', 303);
    });

    app.post('/sign-out', async (request, reply) => {
      if (request.dashboard.sessionId) await deps.sessions.destroy(request.dashboard.sessionId);
      void reply.clearCookie(SESSION_COOKIE, cookieOptions(deps.env));
      return reply.redirect('/dashboard/sign-in?signed-out', 303);
    });
  };
}
