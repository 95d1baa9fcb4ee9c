import { createHash, timingSafeEqual } from 'node:crypto';
import { metricsEnabled } from './registry.ts';

/** What a /metrics endpoint answers a request with, whatever serves it (fastify, a plain http server). */
export type MetricsAccess =
  | { allowed: true }
  | { allowed: false; status: 404; code: 'not_found'; message: string }
  | { allowed: false; status: 401; code: 'unauthorized'; message: string; challenge: string };

export interface MetricsAccessSettings {
  /** HERALD_ENV */
  env: string;
  /** HERALD_METRICS_TOKEN */
  metricsToken?: string | undefined;
}

/**
 * Who may read /metrics, on every process: with HERALD_METRICS_TOKEN set, only a request with
 * `Authorization: Bearer <token>` (compared in constant time), others get 401 with a
 * WWW-Authenticate challenge; without a token, anyone in development and nobody elsewhere (404, as if
 * the endpoint were not there); with collection off (HERALD_METRICS=false), nobody (404).
 */
export function metricsAccessCheck(settings: MetricsAccessSettings): (authorization: string | undefined) => MetricsAccess {
  const expected = settings.metricsToken ? digest(settings.metricsToken) : null;
  const open = !expected && settings.env === 'development';
  return (authorization) => {
    if (!metricsEnabled()) return { allowed: false, status: 404, code: 'not_found', message: 'metrics collection is off (HERALD_METRICS=false)' };
    if (open) return { allowed: true };
    if (!expected) return { allowed: false, status: 404, code: 'not_found', message: 'no route GET /metrics (set HERALD_METRICS_TOKEN to serve it)' };
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!match) {
      return { allowed: false, status: 401, code: 'unauthorized', message: 'Authorization: Bearer <metrics token> is required', challenge: 'Bearer realm="herald"' };
    }
    if (!timingSafeEqual(digest(match[1] as string), expected)) {
      return {
        allowed: false,
        status: 401,
        code: 'unauthorized',
        message: 'the metrics token is not valid',
        challenge: 'Bearer realm="herald", error="invalid_token", error_description="the metrics token is not valid"',
      };
    }
    return { allowed: true };
  };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}
