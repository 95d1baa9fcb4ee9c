import { createServer } from 'node:net';
import Fastify, { type FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HeraldError } from '@herald/core';
import { createRateLimiter, RATE_LIMIT_REDIS_OPTIONS, type RateLimiter } from '@herald/core/limits/rate-limiter';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import type { AuthContext } from './authenticate.ts';
import { registerErrorHandler } from './error-handler.ts';
import { rateLimitHook, type RateLimitSettings } from './rate-limit.ts';

const SETTINGS: RateLimitSettings = {
  perKey: { perSecond: 1, burst: 3 },
  perProject: { perSecond: 1, burst: 5 },
};

/** A tiny app: "authentication" reads the project and key from headers, then the hook under test. */
async function buildTestApp(limiter: RateLimiter, settings: RateLimitSettings, logs: string[] = []): Promise<FastifyInstance> {
  const app = Fastify({ logger: { level: 'warn', stream: { write: (line: string) => void logs.push(line) } } });
  registerErrorHandler(app);
  app.addHook('onRequest', async (request) => {
    const auth: Pick<AuthContext, 'projectId' | 'apiKeyId'> = {
      projectId: String(request.headers['x-project']),
      apiKeyId: String(request.headers['x-key']),
    };
    request.auth = auth as AuthContext;
  });
  app.addHook('onRequest', rateLimitHook(limiter, settings));
  app.get('/ping', async () => ({ ok: true }));
  app.get('/missing', async () => {
    throw new HeraldError('not_found', 'no such thing');
  });
  await app.ready();
  return app;
}

describe('the rate limit hook', () => {
  const prefix = uniquePrefix('rate-limit-hook');
  let redis: Redis;
  let app: FastifyInstance;
  let run = 0;
  /** Fresh project and key ids per test, so that tests never share a bucket. */
  const ids = () => {
    run += 1;
    return { project: `proj_${run}`, other: `proj_${run}_other`, key: `key_${run}_a`, key2: `key_${run}_b` };
  };
  const get = (project: string, key: string, url = '/ping') =>
    app.inject({ method: 'GET', url, headers: { 'x-project': project, 'x-key': key } });

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    app = await buildTestApp(createRateLimiter(redis, prefix), SETTINGS);
  });

  afterAll(async () => {
    await app.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('answers the (burst+1)th request of a key with 429 rate_limited, Retry-After and RateLimit headers', async () => {
    const { project, key } = ids();
    for (let i = 0; i < 3; i++) expect((await get(project, key)).statusCode).toBe(200);

    const refused = await get(project, key);
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ error: { code: string } }>().error.code).toBe('rate_limited');
    expect(refused.headers['retry-after']).toBe('1');
    expect(refused.headers['ratelimit-limit']).toBe('3');
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBe(3);
    expect(refused.headers['ratelimit-policy']).toBe('3;w=3;comment="api key", 5;w=5;comment="project"');
  });

  it('puts RateLimit headers of the tighter bucket on allowed answers, and on error answers too', async () => {
    const { project, key } = ids();
    const answers = [await get(project, key), await get(project, key), await get(project, key, '/missing')];
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 404]);
    // the key's bucket (3) is tighter than the project's (5) all along
    expect(answers.map((a) => a.headers['ratelimit-limit'])).toEqual(['3', '3', '3']);
    expect(answers.map((a) => a.headers['ratelimit-remaining'])).toEqual(['2', '1', '0']);
    expect(answers.map((a) => a.headers['ratelimit-reset'])).toEqual(['1', '2', '3']);
    expect(answers.every((a) => a.headers['retry-after'] === undefined)).toBe(true);
  });

  it("refuses with a message naming the API key's limit and its rate when the key's bucket is empty", async () => {
    const { project, key } = ids();
    for (let i = 0; i < 3; i++) await get(project, key);
    const { error } = (await get(project, key)).json<{ error: { message: string; details: Record<string, unknown> } }>();
    expect(error.message).toMatch(/^rate limit of this API key exceeded: 1 request per second, bursts of 3; retry in 1 s$/);
    expect(error.details).toEqual({ limit: 'api_key', per_second: 1, burst: 3, retry_after: 1 });
  });

  it("refuses with a message naming the project's limit when its keys together empty the project's bucket", async () => {
    const { project, key, key2 } = ids();
    for (let i = 0; i < 3; i++) expect((await get(project, key)).statusCode).toBe(200);
    expect((await get(project, key2)).statusCode).toBe(200);
    const last = await get(project, key2);
    expect(last.statusCode).toBe(200);
    expect(last.headers['ratelimit-limit']).toBe('5');
    expect(last.headers['ratelimit-remaining']).toBe('0');

    // key2 has used 2 of its own 3, but the project's 5 are gone
    const refused = await get(project, key2);
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['ratelimit-limit']).toBe('5');
    expect(refused.json<{ error: { message: string } }>().error.message).toMatch(
      /^rate limit of this project \(all of its API keys together\) exceeded: 1 request per second, bursts of 5; retry in 1 s$/,
    );
  });

  it("does not let a key refused by its own limit spend its project's budget", async () => {
    const { project, key, key2 } = ids();
    const flood = await Promise.all(Array.from({ length: 20 }, () => get(project, key)));
    expect(flood.filter((a) => a.statusCode === 200)).toHaveLength(3);
    // the project has 5 - 3 = 2 left for its other key, not 0
    const other = [await get(project, key2), await get(project, key2), await get(project, key2)];
    expect(other.map((a) => a.statusCode)).toEqual([200, 200, 429]);
  });

  it("does not let one project's flood consume another project's budget", async () => {
    const { project, other, key, key2 } = ids();
    const flood = await Promise.all(Array.from({ length: 30 }, (_, i) => get(project, `${key}_${i % 10}`)));
    expect(flood.filter((a) => a.statusCode === 429).length).toBeGreaterThanOrEqual(24);

    const calm = await get(other, key2);
    expect(calm.statusCode).toBe(200);
    expect(calm.headers['ratelimit-remaining']).toBe('2');
    expect(calm.headers['ratelimit-reset']).toBe('1');
  });
});

describe('the rate limit hook at high limits (tokens reserved ahead)', () => {
  const prefix = uniquePrefix('rate-limit-reserve');
  let redis: Redis;
  let app: FastifyInstance;
  const calls = { reserve: 0, takeAll: 0 };

  beforeAll(async () => {
    redis = new Redis(TEST_REDIS_URL);
    const inner = createRateLimiter(redis, prefix);
    const counting: RateLimiter = {
      ...inner,
      takeAll: (buckets, cost) => ((calls.takeAll += 1), inner.takeAll(buckets, cost)),
      reserve: (buckets, upTo) => ((calls.reserve += 1), inner.reserve(buckets, upTo)),
    };
    // reservations of 10 (10 ms of the key's rate); the rates are slow beside the test, the bursts not
    app = await buildTestApp(counting, { perKey: { perSecond: 1_000, burst: 50 * 1_000 }, perProject: { perSecond: 2_000, burst: 100 * 1_000 } });
  });

  afterAll(async () => {
    await app.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
  });

  it('asks Redis once for ten requests, still counting RateLimit-Remaining down, and still refuses once the bucket is spent', async () => {
    const get = () => app.inject({ method: 'GET', url: '/ping', headers: { 'x-project': 'proj_busy', 'x-key': 'key_busy' } });
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push(await get());
    expect(answers.every((a) => a.statusCode === 200)).toBe(true);
    expect(calls).toEqual({ reserve: 3, takeAll: 0 });
    const remaining = answers.map((a) => Number(a.headers['ratelimit-remaining']));
    // each answer a token fewer than the one before, give or take what the bucket refilled meanwhile (1 a ms)
    for (let i = 1; i < remaining.length; i++) expect(remaining[i]).toBeLessThanOrEqual((remaining[i - 1] as number) + 50);
    expect(remaining[0]).toBe(50 * 1_000 - 1);
    // the key's bucket spent by other requests (another process): the next reservation is refused by Redis
    await createRateLimiter(redis, prefix).takeAll([{ key: '{proj_busy}:key:key_busy', limit: { perSecond: 1_000, burst: 50 * 1_000 } }], 50 * 1_000 - 100);
    let refused = await get();
    // (it refills 1 a ms: the requests outrun it)
    for (let i = 0; i < 2_000 && refused.statusCode === 200; i++) refused = await get();
    expect(refused.statusCode).toBe(429);
    expect(refused.json<{ error: { code: string; details: { limit: string } } }>().error).toMatchObject({ code: 'rate_limited', details: { limit: 'api_key' } });
  });

  it("keeps each project's tokens apart: another project's tokens held here are never handed to it, and one project refused leaves another whole", async () => {
    const get = (project: string, key: string) => app.inject({ method: 'GET', url: '/ping', headers: { 'x-project': project, 'x-key': key } });
    // the flooding project reserves 10 and holds 9; then its bucket is spent elsewhere (another process)
    expect((await get('proj_flood', 'key_flood')).statusCode).toBe(200);
    await createRateLimiter(redis, prefix).takeAll([{ key: '{proj_flood}:project', limit: { perSecond: 2_000, burst: 100 * 1_000 } }], 100 * 1_000 - 200);

    const before = calls.reserve;
    const calm = await get('proj_calm', 'key_calm');
    expect(calm.statusCode).toBe(200);
    // a reservation of its own, none of the tokens held for the other project: its key's bucket full but for this request
    expect(calls.reserve).toBe(before + 1);
    expect(calm.headers['ratelimit-remaining']).toBe(String(50 * 1_000 - 1));

    // the flooding project spends what it holds here, then Redis refuses it, naming the project's limit
    const answers = [];
    for (let i = 0; i < 2_000; i++) {
      const answer = await get('proj_flood', 'key_flood');
      answers.push(answer.statusCode);
      if (answer.statusCode === 429) {
        expect(answer.json<{ error: { details: { limit: string } } }>().error.details.limit).toBe('project');
        break;
      }
    }
    expect(answers.at(-1)).toBe(429);
    // and the calm project still goes through
    expect((await get('proj_calm', 'key_calm')).statusCode).toBe(200);
  });
});

describe('the rate limit hook when Redis is unreachable', () => {
  let port: number;

  beforeAll(async () => {
    // a port that was just free and is closed again: connections to it are refused
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function throughDeadRedis(redis: Redis, timeoutMs: number, settings: RateLimitSettings): Promise<{ ms: number; logs: string[]; statuses: number[] }> {
    redis.on('error', () => {});
    const logs: string[] = [];
    const app = await buildTestApp(createRateLimiter(redis, 'unused'), { ...settings, timeoutMs }, logs);
    try {
      const started = performance.now();
      const answers = await Promise.all(
        Array.from({ length: 10 }, () => app.inject({ method: 'GET', url: '/ping', headers: { 'x-project': 'p', 'x-key': 'k' } })),
      );
      expect(answers.every((a) => a.headers['ratelimit-limit'] === undefined)).toBe(true);
      return { ms: performance.now() - started, logs, statuses: answers.map((a) => a.statusCode) };
    } finally {
      await app.close();
      redis.disconnect();
    }
  }

  // with one token a request, and with tokens reserved ahead (a reservation that never comes must not hold requests up either)
  const HIGH: RateLimitSettings = { perKey: { perSecond: 10_000, burst: 20_000 }, perProject: { perSecond: 10_000, burst: 20_000 } };
  for (const [name, settings] of [['one token a request', SETTINGS], ['tokens reserved ahead', HIGH]] as const) {
    it(`lets requests through at once, logging one warning, with a connection that does not queue offline (${name})`, async () => {
      const redis = new Redis({ host: '127.0.0.1', port, ...RATE_LIMIT_REDIS_OPTIONS, retryStrategy: () => 1_000 });
      const { ms, logs, statuses } = await throughDeadRedis(redis, 200, settings);
      expect(statuses).toEqual(Array(10).fill(200));
      expect(ms).toBeLessThan(150);
      expect(logs).toHaveLength(1);
      expect(logs[0]).toContain('rate limiter unavailable: requests are let through unlimited');
    });

    it(`lets requests through after its own timeout when the connection queues commands (as BullMQ’s does) (${name})`, async () => {
      const redis = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null, retryStrategy: () => 1_000 });
      const { ms, logs, statuses } = await throughDeadRedis(redis, 100, settings);
      expect(statuses).toEqual(Array(10).fill(200));
      expect(ms).toBeGreaterThanOrEqual(95);
      expect(ms).toBeLessThan(400);
      expect(logs[0]).toContain('did not answer within 100 ms');
    });
  }
});
