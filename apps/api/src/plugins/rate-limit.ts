import type { FastifyReply, FastifyRequest } from 'fastify';
import { HeraldError, withTimeout } from '@herald/core';
import type { RateLimit, RateLimiter, TakeResult } from '@herald/core/limits/rate-limiter';
import { createTokenReserve, type TokenReserve } from '@herald/core/limits/token-reserve';
import type { AuthContext } from './authenticate.ts';

export interface RateLimitSettings {
  /** One API key's bucket. */
  perKey: RateLimit;
  /** The bucket shared by all of one project's keys. */
  perProject: RateLimit;
  /** How long to wait for Redis before letting the request through (default 200 ms). */
  timeoutMs?: number;
}

/** At most one "Redis unreachable" warning per this interval, with the number of requests let through. */
const WARN_EVERY_MS = 10_000;

function describeRate({ perSecond, burst }: RateLimit): string {
  return `${perSecond} request${perSecond === 1 ? '' : 's'} per second, bursts of ${burst}`;
}

/** `<quota>;w=<window>`: the burst per the whole seconds it takes to refill (rounded up: a safe pace). */
function policy({ perSecond, burst }: RateLimit, comment: string): string {
  return `${burst};w=${Math.max(1, Math.ceil(burst / perSecond))};comment="${comment}"`;
}

/** The result the client is closest to being refused by: a refusal (the longest wait), else the fewest left. */
function tighter(a: TakeResult, b: TakeResult): TakeResult {
  if (a.allowed !== b.allowed) return a.allowed ? b : a;
  if (!a.allowed) return a.retryAfterMs >= b.retryAfterMs ? a : b;
  if (a.remaining !== b.remaining) return a.remaining < b.remaining ? a : b;
  return a.resetMs >= b.resetMs ? a : b;
}

/**
 * An onRequest hook, to run after authentication, limiting each API key and each project. Every
 * request takes one token from its key's bucket and one from its project's bucket, both or neither
 * (so a key refused by its own limit spends none of its project's budget, and other keys of the
 * project are not starved by it). Every answer carries RateLimit-Limit, RateLimit-Remaining and
 * RateLimit-Reset (seconds until the bucket is full) of the tighter bucket, and RateLimit-Policy with
 * both (draft-ietf-httpapi-ratelimit-headers). A refusal is 429 rate_limited with Retry-After.
 *
 * Both keys carry the project id as a Redis hash tag, so they share a slot in Redis Cluster. At high
 * limits a process takes its tokens a few at a time and hands them out itself (token-reserve.ts in
 * core): one Redis call for up to a hundred requests, the limits still never exceeded.
 *
 * When Redis does not answer within `timeoutMs`, or fails, the request is let through without
 * RateLimit headers and a warning is logged: availability over strictness. Rate limiting protects
 * the service from floods; it is not the record of anything (Postgres is), and refusing all traffic
 * because a limiter is down would turn a Redis hiccup into an outage of the API. Pair the limiter
 * with a Redis connection made with RATE_LIMIT_REDIS_OPTIONS, so that commands to a dead Redis fail
 * at once instead of queueing.
 */
export function rateLimitHook(limiter: RateLimiter, settings: RateLimitSettings) {
  return bucketLimitHook(limiter, settings.timeoutMs, (request) => {
    const { projectId, apiKeyId }: AuthContext = request.auth;
    const tag = `{${projectId}}`;
    return [
      { key: `${tag}:key:${apiKeyId}`, limit: settings.perKey, name: 'api key', detail: 'api_key', whose: 'this API key' },
      { key: `${tag}:project`, limit: settings.perProject, name: 'project', detail: 'project', whose: 'this project (all of its API keys together)' },
    ];
  });
}

/**
 * An onRequest hook limiting requests that carry no key (one-click unsubscribe) by the client's
 * address (the socket's peer: behind a reverse proxy, the proxy's, so set the rate for all clients
 * together there). Same buckets, headers, 429 and Redis-down behaviour as rateLimitHook.
 */
export function clientRateLimitHook(limiter: RateLimiter, settings: { scope: string; perClient: RateLimit; timeoutMs?: number }) {
  return bucketLimitHook(limiter, settings.timeoutMs, (request) => [
    { key: `${settings.scope}:client:${request.ip}`, limit: settings.perClient, name: 'client', detail: 'client', whose: 'this client address' },
  ]);
}

/** One bucket a request takes a token from: its Redis key, its rate, and how a refusal names it. */
interface Bucket {
  key: string;
  limit: RateLimit;
  /** In RateLimit-Policy's comment. */
  name: string;
  /** The 429's details.limit. */
  detail: string;
  /** In the 429's message. */
  whose: string;
}

/** One reserve per limiter, so every scope of routes of a process (the API, the compatible endpoints) takes from the same tokens held. */
const reserves = new WeakMap<RateLimiter, TokenReserve>();

function reserveOf(limiter: RateLimiter): TokenReserve {
  let reserve = reserves.get(limiter);
  if (!reserve) reserves.set(limiter, (reserve = createTokenReserve(limiter)));
  return reserve;
}

function bucketLimitHook(limiter: RateLimiter, timeout: number | undefined, bucketsOf: (request: FastifyRequest) => Bucket[]) {
  const timeoutMs = timeout ?? 200;
  // a busy process takes its tokens from Redis a few at a time (core/limits/token-reserve.ts)
  const reserve = reserveOf(limiter);
  let lastWarning = -Infinity;
  let letThrough = 0;

  return async function rateLimit(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const buckets = bucketsOf(request);
    let results: TakeResult[];
    try {
      results = await withTimeout(
        reserve.takeAll(buckets.map(({ key, limit }) => ({ key, limit }))),
        timeoutMs,
        'the rate limiter (Redis)',
      );
    } catch (err) {
      letThrough += 1;
      if (Date.now() - lastWarning >= WARN_EVERY_MS) {
        request.log.warn({ err: (err as Error).message, letThrough }, 'rate limiter unavailable: requests are let through unlimited');
        lastWarning = Date.now();
        letThrough = 0;
      }
      return;
    }
    const shown = results.reduce(tighter);
    void reply.header('RateLimit-Limit', String(shown.limit));
    void reply.header('RateLimit-Remaining', String(shown.remaining));
    void reply.header('RateLimit-Reset', String(Math.ceil(shown.resetMs / 1000)));
    void reply.header('RateLimit-Policy', buckets.map((b) => policy(b.limit, b.name)).join(', '));
    if (shown.allowed) return;

    const retryAfter = Math.max(1, Math.ceil(shown.retryAfterMs / 1000));
    void reply.header('Retry-After', String(retryAfter));
    const bucket = buckets[results.indexOf(shown)] as Bucket;
    const limit = bucket.limit;
    throw new HeraldError('rate_limited', `rate limit of ${bucket.whose} exceeded: ${describeRate(limit)}; retry in ${retryAfter} s`, {
      limit: bucket.detail,
      per_second: limit.perSecond,
      burst: limit.burst,
      retry_after: retryAfter,
    });
  };
}

/** The API's per-key and per-project limits from its settings, as one hook for a scope of routes (none without a limiter). */
export function apiRateLimit(
  limiter: RateLimiter | undefined,
  config: { rateLimitPerKey: number; rateLimitPerProject: number },
): ReturnType<typeof rateLimitHook> | null {
  if (!limiter) return null;
  const { rateLimitPerKey: key, rateLimitPerProject: project } = config;
  return rateLimitHook(limiter, { perKey: { perSecond: key, burst: 2 * key }, perProject: { perSecond: project, burst: 2 * project } });
}
