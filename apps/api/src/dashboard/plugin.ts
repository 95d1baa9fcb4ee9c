import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import type { FastifyInstance } from 'fastify';
import type { ApiConfig, Db, Store } from '@herald/core';
import type { RateLimiter } from '@herald/core/limits/rate-limiter';
import { createSignInThrottle } from '@herald/core/limits/sign-in-throttle';
import { registerErrorHandler, type ErrorPresenter } from '../plugins/error-handler.ts';
import { assetRoutes } from './assets.ts';
import { sendPage } from './context.ts';
import { dashboardPages } from './pages/index.ts';
import { projectPages } from './pages/projects.ts';
import { signInPages } from './pages/sign-in.ts';
import { securityHeaders } from './security-headers.ts';
import { sessionHook } from './session/session-hook.ts';
import type { SessionStore } from './session/session-store.ts';
import type { QueueOverview } from './pages/queues.ts';
import { errorPage } from './views/error-page.ts';

export interface DashboardDeps {
  sessions: SessionStore;
  /** Service-wide queue counts and throttled destinations, for the admin's queues screen. */
  queues?: QueueOverview | undefined;
}

export interface DashboardPluginDeps {
  config: Pick<ApiConfig, 'env' | 'adminToken' | 'dashboardSessionTtlMs' | 'dashboardSignInFailures'>;
  db: Db;
  store: Store;
  dashboard: DashboardDeps;
  /** The API's rate limiter (Redis): failed sign-ins are counted there; absent, they are not limited. */
  rateLimiter?: RateLimiter | undefined;
}

const FORM_BODY_LIMIT = 64 * 1024;

/** Errors on a dashboard page are pages too (never JSON, never a 500 without words). */
const htmlError: ErrorPresenter = (error, request, reply) => {
  const viewer = request.dashboard?.viewer ?? { scopes: null, admin: false, csrf: '', label: '' };
  return sendPage(reply, errorPage(viewer, error.status, error.status === 404 ? 'Not found' : 'Something is wrong', error.message), error.status);
};

/**
 * The web interface, mounted at /dashboard by the API process. Every page reads and acts through
 * the API's own routes, in-process, as the signed-in key (call-api.ts): no rule lives here twice.
 */
export function dashboardPlugin(deps: DashboardPluginDeps) {
  return async (app: FastifyInstance) => {
    app.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, hide: true };
    });
    registerErrorHandler(app, htmlError);
    await app.register(cookie);
    await app.register(formbody, { bodyLimit: FORM_BODY_LIMIT });
    app.addHook('onRequest', securityHeaders);
    await app.register(assetRoutes());

    await app.register(async (pages) => {
      pages.addHook(
        'preHandler',
        sessionHook({ db: deps.db, store: deps.store, sessions: deps.dashboard.sessions, adminToken: deps.config.adminToken, env: deps.config.env }),
      );
      await pages.register(
        signInPages({
          store: deps.store,
          sessions: deps.dashboard.sessions,
          env: deps.config.env,
          ttlMs: deps.config.dashboardSessionTtlMs,
          throttle: deps.rateLimiter ? createSignInThrottle(deps.rateLimiter, deps.config.dashboardSignInFailures) : undefined,
        }),
      );
      await pages.register(projectPages({ db: deps.db, sessions: deps.dashboard.sessions }));
      await pages.register(dashboardPages({ queues: deps.dashboard.queues }));
    });
  };
}
