import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { uniquePrefix } from '@herald/test/support/env.ts';
import { csrfOf, Jar } from './dashboard-test-support.ts';

const ADMIN_TOKEN = 'b'.repeat(40);
const FAILURES = 3;

/** Sign-in as a client at `ip` would: the page (for its CSRF token), then the form. */
async function signInFrom(app: FastifyInstance, ip: string, form: Record<string, string>) {
  const jar = new Jar();
  const page = await app.inject({ method: 'GET', url: '/dashboard/sign-in', remoteAddress: ip });
  jar.take(page.headers['set-cookie']);
  return app.inject({
    method: 'POST',
    url: '/dashboard/sign-in',
    remoteAddress: ip,
    headers: { cookie: jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: csrfOf(page.body), ...form }).toString(),
  });
}

/** Failed sign-ins are limited per client address, in Redis: every API process counts them together. */
describe('dashboard sign-in limit', () => {
  const prefix = uniquePrefix('signin');
  let api: TestApi;
  let second: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    const env = { HERALD_ENV: 'test', HERALD_ADMIN_TOKEN: ADMIN_TOKEN, HERALD_DASHBOARD_SIGN_IN_FAILURES: String(FAILURES) };
    api = await buildTestApi(env, { dashboard: true, redisPrefix: prefix });
    second = await buildTestApi(env, { dashboard: true, redisPrefix: prefix });
    project = await seedProject(api.db, 'signin');
  });
  afterAll(async () => {
    await second.close();
    await api.close();
  });

  it('answers 429 with Retry-After and a "try again in N s" page once a client has failed too often, before looking at the key, even on another API process', async () => {
    const ip = '198.51.100.7';
    for (let i = 0; i < FAILURES; i++) {
      const failed = await signInFrom(i % 2 ? second.app : api.app, ip, i % 2 ? { admin_token: 'wrong' } : { api_key: 'hk_live_wrong' });
      expect(failed.statusCode).toBe(401);
      expect(failed.body).toContain('not valid');
    }
    // the right key, from the same address, on either process: refused until a failure ages out (3600/3 s)
    for (const app of [api.app, second.app]) {
      const refused = await signInFrom(app, ip, { api_key: project.key });
      expect(refused.statusCode).toBe(429);
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(1100);
      expect(retryAfter).toBeLessThanOrEqual(1200);
      expect(refused.body).toContain(`try again in ${retryAfter} s`);
      expect(refused.headers['set-cookie']?.toString() ?? '').not.toContain('herald_session=');
    }
  });

  it('counts each address on its own, and successful sign-ins not at all', async () => {
    const ip = '198.51.100.8';
    for (let i = 0; i < FAILURES + 2; i++) expect((await signInFrom(api.app, ip, { api_key: project.key })).statusCode).toBe(303);
    for (let i = 0; i < FAILURES - 1; i++) expect((await signInFrom(api.app, ip, { admin_token: 'nope' })).statusCode).toBe(401);
    // one failure left for this address: the admin token still works
    expect((await signInFrom(api.app, ip, { admin_token: ADMIN_TOKEN })).statusCode).toBe(303);
    expect((await signInFrom(api.app, '198.51.100.9', { api_key: project.key })).statusCode).toBe(303);
  });
});
