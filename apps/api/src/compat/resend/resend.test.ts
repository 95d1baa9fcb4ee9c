import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey, tamperedKey } from '@herald/test/support/scoped-key.ts';

const HOUR = 3_600_000;

/** Resend's error shape, as its clients read it. */
const failure = (response: { json: <T>() => T }) => response.json<{ statusCode: number; name: string; message: string }>();

/** Resend's shapes over app.inject; the official client against running processes is in test/e2e/compat-resend.test.ts. */
describe('the Resend-compatible endpoints (/resend)', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  const post = (url: string, payload: unknown, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'POST', url: `/resend${url}`, headers, payload: payload as Record<string, unknown> });
  const email = (extra: Record<string, unknown> = {}) => ({ from: `Acme <hello@${project.domain}>`, to: 'ann@one.example', subject: 'Hi', html: '<p>Hi</p>', ...extra });

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'resend');
    other = await seedProject(api.db, 'resend-other');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('sends through the one intake: 200 { id }, source resend, tags as metadata, cc and bcc as recipients', async () => {
    const response = await post('/emails', email({ to: ['ann@one.example'], cc: 'cy@one.example', bcc: ['bo@two.example'], reply_to: 'help@one.example', tags: [{ name: 'category', value: 'welcome' }] }));
    expect(response.statusCode, response.body).toBe(200);
    const { id } = response.json<{ id: string }>();
    expect(Object.keys(response.json())).toEqual(['id']);
    const stored = await api.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true, content: true } });
    expect(stored).toMatchObject({ projectId: project.id, source: 'resend', fromName: 'Acme', metadata: { category: 'welcome' }, tags: [] });
    expect(stored.recipients.map((r) => `${r.kind} ${r.email}`).sort()).toEqual(['bcc bo@two.example', 'cc cy@one.example', 'to ann@one.example']);
    expect(Buffer.from(stored.content?.raw as Uint8Array).toString()).toContain('Reply-To: help@one.example');
  });

  it('reads an email back in Resend\'s shape, and answers another project\'s id with 404 not_found', async () => {
    const { id } = (await post('/emails', email({ tags: [{ name: 'plan', value: 'pro' }] }))).json<{ id: string }>();
    const got = await api.app.inject({ method: 'GET', url: `/resend/emails/${id}`, headers: project.auth });
    expect(got.statusCode, got.body).toBe(200);
    expect(got.json()).toMatchObject({ object: 'email', id, from: `Acme <hello@${project.domain}>`, to: ['ann@one.example'], cc: null, subject: 'Hi', last_event: 'queued', scheduled_at: null, tags: [{ name: 'plan', value: 'pro' }] });
    const foreign = await api.app.inject({ method: 'GET', url: `/resend/emails/${id}`, headers: other.auth });
    expect([foreign.statusCode, failure(foreign).name, failure(foreign).statusCode]).toEqual([404, 'not_found', 404]);
  });

  it('schedules with scheduled_at and cancels through the same core cancel as /v1; a second cancel is 409', async () => {
    const sendAt = new Date(Date.now() + HOUR).toISOString();
    const { id } = (await post('/emails', email({ scheduled_at: sendAt }))).json<{ id: string }>();
    expect((await api.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('scheduled');
    const cancelled = await post(`/emails/${id}/cancel`, undefined);
    expect([cancelled.statusCode, cancelled.json()]).toEqual([200, { object: 'email', id }]);
    expect((await api.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('cancelled');
    const again = await post(`/emails/${id}/cancel`, undefined);
    expect(again.statusCode).toBe(409);
    expect(failure(again)).toMatchObject({ statusCode: 409 });
    expect(failure(again).message).toContain('already cancelled');
    const foreign = await post(`/emails/${id}/cancel`, undefined, other.auth);
    expect(foreign.statusCode).toBe(404);
  });

  it('sends a batch all together, and refuses the whole batch naming the index and field when one email is bad', async () => {
    const ok = await post('/emails/batch', [email(), email({ to: 'bo@two.example' })]);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json<{ data: { id: string }[] }>().data).toHaveLength(2);
    const before = await countProjectRows(api.db, project.id);
    const bad = await post('/emails/batch', [email(), email({ to: 'not-an-address' })]);
    expect(bad.statusCode).toBe(422);
    expect(failure(bad)).toMatchObject({ statusCode: 422, name: 'validation_error' });
    expect(failure(bad).message).toContain('Invalid `1.to` field');
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('answers a repeated Idempotency-Key with the first id, and another request under it with 409 invalid_idempotent_request', async () => {
    const headers = { ...project.auth, 'idempotency-key': `resend-${Date.now()}` };
    const first = await post('/emails', email(), headers);
    const second = await post('/emails', email(), headers);
    expect(second.json()).toEqual(first.json());
    const conflict = await post('/emails', email({ subject: 'Other' }), headers);
    expect([conflict.statusCode, failure(conflict).name]).toEqual([409, 'invalid_idempotent_request']);
    const badKey = await post('/emails', email(), { ...project.auth, 'idempotency-key': 'x'.repeat(300) });
    expect([badKey.statusCode, failure(badKey).name]).toEqual([400, 'invalid_idempotency_key']);
  });

  it("refuses what Herald cannot do by name, never dropping it: attachment paths, templates, natural-language times, unknown fields", async () => {
    const before = await countProjectRows(api.db, project.id);
    const cases: [Record<string, unknown>, string][] = [
      [{ attachments: [{ filename: 'a.pdf', path: 'https://example.com/a.pdf', content: '' }] }, 'attachments.0.path'],
      [{ template: { id: 'welcome' } }, 'template'],
      [{ scheduled_at: 'in 1 min' }, 'scheduled_at'],
      [{ tags: [{ name: 'has space', value: 'x' }] }, 'tags.0.name'],
      [{ headers: { 'X-Evil': 'a\r\nBcc: victim@example.com' } }, 'headers.X-Evil'],
      [{ subject: 'a\nBcc: x@example.com' }, 'subject'],
    ];
    for (const [extra, field] of cases) {
      const response = await post('/emails', email(extra));
      expect([response.statusCode, failure(response).name], JSON.stringify(extra)).toEqual([422, 'validation_error']);
      expect(failure(response).message).toContain(`\`${field}\``);
    }
    const unknown = await post('/emails', email({ react: '<div/>' }));
    expect([unknown.statusCode, failure(unknown).message]).toEqual([422, 'Invalid `body` field: Unrecognized key: "react"']);
    const nul = await post('/emails', email({ text: 'a\u0000b' }));
    expect(nul.statusCode).toBeGreaterThanOrEqual(400);
    expect(nul.statusCode).toBeLessThan(500);
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it("answers missing, forged and restricted keys, and unverified domains, in Resend's names", async () => {
    const missing = await post('/emails', email(), {});
    expect([missing.statusCode, failure(missing).name]).toEqual([401, 'missing_api_key']);
    const forged = await post('/emails', email(), { authorization: `Bearer ${tamperedKey(project.key)}` });
    expect([forged.statusCode, failure(forged).name]).toEqual([403, 'invalid_api_key']);
    const readOnly = await createScopedKey(api.db, project.id, ['messages:read']);
    const restricted = await post('/emails', email(), readOnly);
    expect([restricted.statusCode, failure(restricted).name]).toEqual([401, 'restricted_api_key']);
    const sendOnly = await createScopedKey(api.db, project.id, ['messages:send']);
    const { id } = (await post('/emails', email())).json<{ id: string }>();
    const cannotRead = await api.app.inject({ method: 'GET', url: `/resend/emails/${id}`, headers: sendOnly });
    expect([cannotRead.statusCode, failure(cannotRead).name]).toEqual([401, 'restricted_api_key']);
    const unverified = await post('/emails', email({ from: `hello@${other.domain}` }));
    expect([unverified.statusCode, failure(unverified).name]).toEqual([403, 'validation_error']);
    const unknown = await api.app.inject({ method: 'GET', url: '/resend/domains', headers: project.auth });
    expect([unknown.statusCode, failure(unknown).name]).toEqual([404, 'not_found']);
  });
});
