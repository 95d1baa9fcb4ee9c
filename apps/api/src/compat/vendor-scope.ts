import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../app.ts';
import { authenticate, type KeyExtractor } from '../plugins/authenticate.ts';
import { registerErrorHandler, type ErrorPresenter } from '../plugins/error-handler.ts';
import { apiRateLimit } from '../plugins/rate-limit.ts';

/** What makes a vendor's scope its own: where its key is, how its errors look, its OpenAPI tag and security scheme. */
export interface Vendor {
  /** The OpenAPI tag every route of the vendor is listed under. */
  tag: string;
  /** The OpenAPI security scheme its key goes in. */
  security: string;
  extractKey: KeyExtractor;
  present: ErrorPresenter;
}

/**
 * A vendor's routes in a fastify scope of their own (registered under the vendor's prefix): its key
 * resolved by the same lookup as a Bearer key, the same per-key and per-project rate limits as /v1,
 * and every error — the routes', authentication's, validation's, unknown routes — answered through
 * the one registry in the vendor's shape.
 */
export function vendorScope(deps: AppDeps, vendor: Vendor, routes: ((deps: AppDeps) => FastifyPluginAsyncZod)[]) {
  return async (scope: FastifyInstance): Promise<void> => {
    registerErrorHandler(scope, vendor.present);
    scope.addHook('onRoute', (route) => {
      route.schema = { ...route.schema, tags: [vendor.tag], security: [{ [vendor.security]: [] }] };
    });
    scope.addHook('onRequest', authenticate(deps.store, vendor.extractKey));
    const rateLimit = apiRateLimit(deps.limits?.rateLimiter, deps.config);
    if (rateLimit) scope.addHook('onRequest', rateLimit);
    for (const route of routes) await scope.register(route(deps));
  };
}
