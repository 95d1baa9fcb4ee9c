import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { decodeAttribute, Jar, pageGet, signInWith } from './dashboard-test-support.ts';

describe('dashboard messages', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  const jar = new Jar();
  const ids: Record<string, string> = {};

  async function send(p: TestProject, body: Record<string, unknown>): Promise<string> {
    const res = await api.app.inject({ method: 'POST', url: '/v1/messages', headers: p.auth, payload: body });
    expect(res.statusCode).toBe(202);
    return res.json<{ id: string }>().id;
  }

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_ENV: 'test' }, { dashboard: true });
    project = await seedProject(api.db, 'dashmsg');
    other = await seedProject(api.db, 'dashmsg-other');
    ids.invoice = await send(project, { from: `billing@${project.domain}`, to: 'ann@example.net', subject: 'Your invoice <March>', text: 'hi', tags: ['invoice'] });
    ids.script = await send(project, {
      from: `news@${project.domain}`,
      to: 'bob@example.net',
      subject: 'Scripted',
      html: '<p id="x">Hello</p><script>window.parent.ran = true</script>',
    });
    ids.foreign = await send(other, { from: `a@${other.domain}`, to: 'ann@example.net', subject: 'Not yours', text: 'x' });
    expect((await signInWith(api.app, jar, { api_key: project.key })).statusCode).toBe(303);
  });
  afterAll(async () => {
    await api.close();
  });

  it('lists the project’s messages, escaped, and only its own', async () => {
    const res = await pageGet(api.app, jar, '/dashboard/messages');
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Your invoice &lt;March&gt;');
    expect(res.body).not.toContain('<March>');
    expect(res.body).not.toContain('Not yours');
  });

  it('searches by subject, recipient, tag and status, and names a bad filter in the API’s words', async () => {
    const bySubject = await pageGet(api.app, jar, '/dashboard/messages?subject=INVOICE');
    expect(bySubject.body).toContain(ids.invoice);
    expect(bySubject.body).not.toContain(ids.script);
    const byRecipient = await pageGet(api.app, jar, '/dashboard/messages?recipient=bob%40example.net');
    expect(byRecipient.body).toContain(ids.script);
    expect(byRecipient.body).not.toContain(ids.invoice);
    const byTag = await pageGet(api.app, jar, '/dashboard/messages?tag=invoice&status=queued');
    expect(byTag.body).toContain(ids.invoice);
    expect(byTag.body).not.toContain(ids.script);
    const bad = await pageGet(api.app, jar, '/dashboard/messages?from=yesterday');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('created_after');
  });

  it('pages by cursor', async () => {
    for (let i = 0; i < 26; i++) await send(project, { from: `bulk@${project.domain}`, to: `n${i}@example.net`, subject: `Bulk ${i}`, text: 'x', tags: ['bulk'] });
    const first = await pageGet(api.app, jar, '/dashboard/messages?tag=bulk');
    const next = decodeAttribute(/href="([^"]+)" rel="next"/.exec(first.body)?.[1] ?? '');
    expect(next).toMatch(/^\/dashboard\/messages\?tag=bulk&cursor=/);
    const second = await pageGet(api.app, jar, next);
    expect(second.body).toContain('Bulk 0');
    expect(first.body).not.toContain('Bulk 0<');
  });

  it('shows a message with its recipients and timeline, and its raw source', async () => {
    const page = await pageGet(api.app, jar, `/dashboard/messages/${ids.invoice}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('ann@example.net');
    expect(page.body).toContain('queued');
    expect(page.body).toContain(`src="/dashboard/messages/${ids.invoice}/preview"`);
    expect(page.body).toMatch(/<iframe[^>]*\ssandbox[\s>]/);
    const raw = await pageGet(api.app, jar, `/dashboard/messages/${ids.invoice}/raw`);
    expect(raw.body).toContain('Subject: Your invoice &lt;March&gt;');
  });

  it('serves the preview under CSP sandbox, so the message’s script cannot run', async () => {
    const res = await pageGet(api.app, jar, `/dashboard/messages/${ids.script}/preview`);
    expect(res.statusCode).toBe(200);
    expect(String(res.headers['content-security-policy'])).toMatch(/^sandbox;/);
    expect(String(res.headers['content-security-policy'])).not.toContain('allow-scripts');
    expect(res.body).toContain('<p id="x">Hello</p>');
  });

  it('answers 404 for another project’s message, its raw source and its preview', async () => {
    for (const path of ['', '/raw', '/preview']) {
      const res = await pageGet(api.app, jar, `/dashboard/messages/${ids.foreign}${path}`);
      expect(res.statusCode).toBe(404);
      expect(res.body).not.toContain('Not yours');
    }
  });
});
