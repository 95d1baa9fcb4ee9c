import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { IN_PROCESS_PRINCIPAL_HEADER } from '../plugins/in-process-principal.ts';
import { csrfOf, formPost, Jar, pageGet, signInWith } from './dashboard-test-support.ts';

const ADMIN_TOKEN = 'a'.repeat(40);

describe('dashboard sessions, sign-in and CSRF', () => {
  let api: TestApi;
  let project: TestProject;

  const get = (jar: Jar, url: string) => pageGet(api.app, jar, url);
  const post = (jar: Jar, url: string, form: Record<string, string>) => formPost(api.app, jar, url, form);
  const signIn = (jar: Jar, form: Record<string, string>) => signInWith(api.app, jar, form);

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_ADMIN_TOKEN: ADMIN_TOKEN, HERALD_ENV: 'test' }, { dashboard: true });
    project = await seedProject(api.db, 'dash');
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves every page with a strict CSP (no inline script), nosniff and no framing', async () => {
    const res = await get(new Jar(), '/dashboard/sign-in');
    expect(res.statusCode).toBe(200);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.body).not.toMatch(/\son[a-z]+=/i);
  });

  it('sends a signed-out visitor to the sign-in page', async () => {
    const res = await get(new Jar(), '/dashboard');
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/dashboard/sign-in');
  });

  it('signs in with an API key into an httpOnly, SameSite=Strict session cookie, and signs out', async () => {
    const jar = new Jar();
    const res = await signIn(jar, { api_key: project.key });
    expect(res.statusCode).toBe(303);
    const cookie = [res.headers['set-cookie'] ?? []].flat().find((c) => c.startsWith('herald_session='));
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(cookie).toMatch(/Path=\/dashboard/);
    expect(cookie).toMatch(/Secure/); // HERALD_ENV is not development here
    expect(cookie).not.toContain(project.key);

    const overview = await get(jar, '/dashboard');
    expect(overview.statusCode).toBe(200);
    expect(overview.body).toContain('Last 7 days');

    const out = await post(jar, '/dashboard/sign-out', { _csrf: csrfOf(overview.body) });
    expect(out.statusCode).toBe(303);
    expect((await get(jar, '/dashboard')).headers.location).toBe('/dashboard/sign-in');
  });

  it('refuses a bad key with 401 and keeps no session', async () => {
    const jar = new Jar();
    const res = await signIn(jar, { api_key: 'hk_live_not-a-real-key' });
    expect(res.statusCode).toBe(401);
    expect(res.body).toContain('not valid');
    expect(jar.cookies.has('herald_session')).toBe(false);
  });

  it('refuses a form without the session’s CSRF token, and one with another session’s', async () => {
    const jar = new Jar();
    await signIn(jar, { api_key: project.key });
    const missing = await post(jar, '/dashboard/sign-out', {});
    expect(missing.statusCode).toBe(403);
    expect(missing.body).toContain('CSRF');
    const other = new Jar();
    await signIn(other, { api_key: project.key });
    const foreign = await post(jar, '/dashboard/sign-out', { _csrf: csrfOf((await get(other, '/dashboard')).body) });
    expect(foreign.statusCode).toBe(403);
    // still signed in: nothing happened
    expect((await get(jar, '/dashboard')).statusCode).toBe(200);
  });

  it('refuses a sign-in form posted without the pre-session token (login CSRF)', async () => {
    const res = await post(new Jar(), '/dashboard/sign-in', { api_key: project.key });
    expect(res.statusCode).toBe(403);
  });

  it('ends the session at once when its key is revoked', async () => {
    const { key, row } = await issueApiKey(api.db, project.id, { name: 'short-lived', scopes: ['messages:read'], domains: [], expiresAt: null, mode: 'live' });
    const jar = new Jar();
    await signIn(jar, { api_key: key });
    expect((await get(jar, '/dashboard')).statusCode).toBe(200);
    await api.db.apiKey.update({ where: { id: row.id }, data: { revokedAt: new Date() } });
    await new Promise((r) => setTimeout(r, 1100)); // the key lookup's own cache
    const after = await get(jar, '/dashboard');
    expect(after.statusCode).toBe(303);
    expect(after.headers.location).toBe('/dashboard/sign-in');
  });

  it('answers a 403 page to a key without the screen’s scope', async () => {
    const { key } = await issueApiKey(api.db, project.id, { name: 'sender', scopes: ['messages:send'], domains: [], expiresAt: null, mode: 'live' });
    const jar = new Jar();
    await signIn(jar, { api_key: key });
    const res = await get(jar, '/dashboard');
    expect(res.statusCode).toBe(403);
    expect(res.body).toContain('messages:read');
    expect(res.body).not.toContain('href="/dashboard/messages"');
  });

  it('signs the admin in with the token, to choose a project; a wrong token is refused', async () => {
    expect((await signIn(new Jar(), { admin_token: 'b'.repeat(40) })).statusCode).toBe(401);
    const jar = new Jar();
    const res = await signIn(jar, { admin_token: ADMIN_TOKEN });
    expect(res.headers.location).toBe('/dashboard/projects');
    expect((await get(jar, '/dashboard')).headers.location).toBe('/dashboard/projects');
    const list = await get(jar, '/dashboard/projects');
    expect(list.body).toContain(project.id);
    const chosen = await post(jar, '/dashboard/projects/select', { _csrf: csrfOf(list.body), project_id: project.id });
    expect(chosen.headers.location).toBe('/dashboard');
    expect((await get(jar, '/dashboard')).statusCode).toBe(200);
    expect((await get(jar, '/dashboard/queues')).statusCode).toBe(200);
  });

  it('never lets a request over the network use the in-process principal header', async () => {
    await api.app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = api.app.server.address() as AddressInfo;
    const res = await fetch(`http://127.0.0.1:${port}/v1/messages`, { headers: { [IN_PROCESS_PRINCIPAL_HEADER]: 'anything' } });
    expect(res.status).toBe(401);
  });
});
