import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { csrfOf, formPost, Jar, pageGet, signInWith } from './dashboard-test-support.ts';

/** Editing and deleting webhook endpoints and deleting domains from the dashboard, through the API's own PATCH and DELETE. */
describe('dashboard: edit and delete webhooks, delete domains', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  const jar = new Jar();
  let csrf = '';

  const apiCall = (p: TestProject, method: 'GET' | 'POST', url: string, payload?: object) =>
    api.app.inject({ method, url, headers: p.auth, ...(payload ? { payload } : {}) });
  const addWebhook = async (p: TestProject, url: string) =>
    (await apiCall(p, 'POST', '/v1/webhooks', { url, events: ['message.delivered', 'message.bounced'] })).json<{ id: string }>().id;
  const domainIdOf = async (p: TestProject) => (await api.db.domain.findFirstOrThrow({ where: { projectId: p.id } })).id;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_ENV: 'test' }, { dashboard: true });
    project = await seedProject(api.db, 'dashmanage');
    other = await seedProject(api.db, 'dashmanage-other');
    expect((await signInWith(api.app, jar, { api_key: project.key })).statusCode).toBe(303);
    csrf = csrfOf((await pageGet(api.app, jar, '/dashboard/webhooks')).body);
  });
  afterAll(async () => {
    await api.close();
  });

  it("shows an endpoint's fields in its edit form and saves the URL, events, description and enabled flag through PATCH", async () => {
    const id = await addWebhook(project, 'https://a.example.com/hook');
    const page = await pageGet(api.app, jar, `/dashboard/webhooks/${id}`);
    expect(page.body).toContain('Edit the endpoint');
    expect(page.body).toMatch(/name="events" value="message\.delivered" checked/);
    expect(page.body).not.toMatch(/name="events" value="message\.opened" checked/);

    const saved = await formPost(api.app, jar, `/dashboard/webhooks/${id}`, { _csrf: csrf, url: 'https://b.example.com/new', events: ['message.bounced', 'message.complained'], description: 'billing' });
    expect(saved.statusCode).toBe(303);
    expect(saved.headers.location).toBe(`/dashboard/webhooks/${id}?done=webhook-saved`);
    const stored = (await apiCall(project, 'GET', `/v1/webhooks/${id}`)).json<{ url: string; events: string[]; description: string; enabled: boolean }>();
    expect(stored).toMatchObject({ url: 'https://b.example.com/new', events: ['message.bounced', 'message.complained'], description: 'billing', enabled: false });

    const enabled = await formPost(api.app, jar, `/dashboard/webhooks/${id}`, { _csrf: csrf, url: 'https://b.example.com/new', events: 'message.bounced', enabled: 'true' });
    expect(enabled.statusCode).toBe(303);
    expect((await apiCall(project, 'GET', `/v1/webhooks/${id}`)).json()).toMatchObject({ events: ['message.bounced'], enabled: true, description: null });
  });

  it("refuses an edit the API refuses, in the API's words, and changes nothing", async () => {
    const id = await addWebhook(project, 'https://c.example.com/hook');
    const noEvents = await formPost(api.app, jar, `/dashboard/webhooks/${id}`, { _csrf: csrf, url: 'https://c.example.com/other', enabled: 'true' });
    expect(noEvents.statusCode).toBe(400);
    expect(noEvents.body).toContain('events');
    const internal = await formPost(api.app, jar, `/dashboard/webhooks/${id}`, { _csrf: csrf, url: 'https://10.0.0.1/', events: 'message.bounced', enabled: 'true' });
    expect(internal.statusCode).toBe(400);
    expect((await apiCall(project, 'GET', `/v1/webhooks/${id}`)).json()).toMatchObject({ url: 'https://c.example.com/hook', events: ['message.delivered', 'message.bounced'] });
  });

  it('deletes an endpoint; another project’s endpoint answers 404 and stays', async () => {
    const id = await addWebhook(project, 'https://d.example.com/hook');
    const deleted = await formPost(api.app, jar, `/dashboard/webhooks/${id}/delete`, { _csrf: csrf });
    expect(deleted.statusCode).toBe(303);
    expect(deleted.headers.location).toBe('/dashboard/webhooks?done=webhook-deleted');
    expect((await pageGet(api.app, jar, '/dashboard/webhooks?done=webhook-deleted')).body).toContain('The endpoint was deleted');
    expect((await apiCall(project, 'GET', `/v1/webhooks/${id}`)).statusCode).toBe(404);

    const theirs = await addWebhook(other, 'https://e.example.com/hook');
    expect((await formPost(api.app, jar, `/dashboard/webhooks/${theirs}/delete`, { _csrf: csrf })).statusCode).toBe(404);
    expect((await formPost(api.app, jar, `/dashboard/webhooks/${theirs}`, { _csrf: csrf, url: 'https://x.example.com/', events: 'message.bounced' })).statusCode).toBe(404);
    expect((await apiCall(other, 'GET', `/v1/webhooks/${theirs}`)).json()).toMatchObject({ url: 'https://e.example.com/hook' });
  });

  it('refuses the edit and delete forms without the session’s CSRF token, changing nothing', async () => {
    const id = await addWebhook(project, 'https://f.example.com/hook');
    expect((await formPost(api.app, jar, `/dashboard/webhooks/${id}/delete`, {})).statusCode).toBe(403);
    expect((await formPost(api.app, jar, `/dashboard/webhooks/${id}`, { _csrf: 'x'.repeat(43), url: 'https://g.example.com/', events: 'message.bounced' })).statusCode).toBe(403);
    expect((await apiCall(project, 'GET', `/v1/webhooks/${id}`)).json()).toMatchObject({ url: 'https://f.example.com/hook' });
    const domainId = await domainIdOf(project);
    expect((await formPost(api.app, jar, `/dashboard/domains/${domainId}/delete`, { force: 'true' })).statusCode).toBe(403);
    expect(await api.db.domain.count({ where: { id: domainId } })).toBe(1);
  });

  it('deletes a domain only after its confirmation page; refused (409) while a message from it waits, unless forced', async () => {
    const p = await seedProject(api.db, 'dashmanage-domain');
    const domainJar = new Jar();
    await signInWith(api.app, domainJar, { api_key: p.key });
    const domainId = await domainIdOf(p);

    const list = await pageGet(api.app, domainJar, '/dashboard/domains');
    expect(list.body).toContain(`href="/dashboard/domains/${domainId}/delete"`);
    const confirm = await pageGet(api.app, domainJar, `/dashboard/domains/${domainId}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`Delete ${p.domain}`);
    // opening the confirmation deleted nothing
    expect(await api.db.domain.count({ where: { id: domainId } })).toBe(1);

    const sent = await api.app.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: { from: `a@${p.domain}`, to: 'ann@example.net', subject: 's', text: 't' } });
    expect(sent.statusCode).toBe(202);
    const token = csrfOf(confirm.body);
    const refused = await formPost(api.app, domainJar, `/dashboard/domains/${domainId}/delete`, { _csrf: token });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toContain('waiting to be sent');
    expect(await api.db.domain.count({ where: { id: domainId } })).toBe(1);

    const forced = await formPost(api.app, domainJar, `/dashboard/domains/${domainId}/delete`, { _csrf: token, force: 'true' });
    expect(forced.statusCode).toBe(303);
    expect(forced.headers.location).toBe('/dashboard/domains?done=domain-deleted');
    expect(await api.db.domain.count({ where: { id: domainId } })).toBe(0);
  });

  it('answers 404 to the confirmation page and the delete of another project’s domain, which stays', async () => {
    const theirs = await domainIdOf(other);
    expect((await pageGet(api.app, jar, `/dashboard/domains/${theirs}/delete`)).statusCode).toBe(404);
    expect((await formPost(api.app, jar, `/dashboard/domains/${theirs}/delete`, { _csrf: csrf, force: 'true' })).statusCode).toBe(404);
    expect(await api.db.domain.count({ where: { id: theirs } })).toBe(1);
  });
});
