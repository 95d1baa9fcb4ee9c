import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashApiKey } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

interface CreatedKey {
  id: string;
  key: string;
  prefix: string;
  scopes: string[];
  domains: string[];
  mode: string;
  expires_at: string | null;
}

describe('API keys', () => {
  let api: TestApi;
  let other: TestApi; // a second API process on the same database
  let project: TestProject;

  beforeAll(async () => {
    [api, other] = await Promise.all([buildTestApi(), buildTestApi()]);
    project = await seedProject(api.db, 'keys');
  });
  afterAll(async () => {
    await Promise.all([api.close(), other.close()]);
  });

  const create = (body: object, auth = project.auth) => api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: auth, payload: body });
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
  const listMessages = (app: TestApi, key: string) => app.app.inject({ method: 'GET', url: '/v1/messages?limit=1', headers: bearer(key) });

  it('answers with the key once, recognisable, and stores only its hash', async () => {
    const response = await create({ name: 'ci', scopes: ['sending', 'messages:read'] });
    expect(response.statusCode).toBe(201);
    const created = response.json<CreatedKey>();
    expect(created.key).toMatch(/^hk_live_[0-9A-Za-z]{36}$/);
    expect(created.prefix).toBe(created.key.slice(0, 14));
    expect(created.scopes).toEqual(['messages:send', 'messages:read']);
    const row = await api.db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.hash).toBe(hashApiKey(created.key));
    expect(JSON.stringify(row)).not.toContain(created.key.slice(14));
    const listed = await api.app.inject({ method: 'GET', url: '/v1/api-keys', headers: project.auth });
    expect(listed.body).not.toContain(created.key);
    expect(listed.json<{ data: { id: string; last_used_at: string | null }[] }>().data.map((k) => k.id)).toContain(created.id);
  });

  it('makes test keys whose messages are test messages', async () => {
    const created = (await create({ name: 'test', scopes: ['full'], mode: 'test' })).json<CreatedKey>();
    expect(created.key).toMatch(/^hk_test_/);
    const sent = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: bearer(created.key),
      payload: { from: `a@${project.domain}`, to: 'delivered@example.com', subject: 's', text: 't' },
    });
    expect(sent.statusCode).toBe(202);
    expect((await api.db.message.findUniqueOrThrow({ where: { id: sent.json<{ id: string }>().id } })).test).toBe(true);
  });

  it('refuses unknown scopes, foreign domains and past expiry, naming the field', async () => {
    const cases: [object, string][] = [
      [{ name: 'x', scopes: ['messages:delete'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['full'], domains: ['not-ours.example'] }, 'domains.0'],
      [{ name: 'x', scopes: ['full'], expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      [{ name: 'x', scopes: ['full'], mode: 'prod' }, 'mode'],
    ];
    for (const [body, field] of cases) {
      const response = await create(body);
      expect(response.statusCode, JSON.stringify(body)).toBe(400);
      expect(response.json<{ error: { details: { field: string }[] } }>().error.details.map((d) => d.field)).toContain(field);
    }
  });

  it('never lets a key create a key that may do more than itself', async () => {
    const limited = (await create({ name: 'limited', scopes: ['keys:manage', 'messages:send'], domains: [project.domain] })).json<CreatedKey>();
    const escalations: object[] = [
      { name: 'more scopes', scopes: ['full'], domains: [project.domain] },
      { name: 'all domains', scopes: ['messages:send'] },
    ];
    for (const body of escalations) {
      const response = await create(body, bearer(limited.key));
      expect(response.statusCode, JSON.stringify(body)).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    }
    const testKey = (await create({ name: 'test manager', scopes: ['keys:manage'], mode: 'test' })).json<CreatedKey>();
    expect((await create({ name: 'live', scopes: ['keys:manage'] }, bearer(testKey.key))).statusCode).toBe(403);
    expect((await create({ name: 'fine', scopes: ['messages:send'], domains: [project.domain] }, bearer(limited.key))).statusCode).toBe(201);
  });

  it('refuses a revoked key on its next request, also on another API process', async () => {
    const created = (await create({ name: 'soon revoked', scopes: ['messages:read'] })).json<CreatedKey>();
    expect((await listMessages(other, created.key)).statusCode).toBe(200);
    const revoked = await api.app.inject({ method: 'DELETE', url: `/v1/api-keys/${created.id}`, headers: project.auth });
    expect(revoked.statusCode).toBe(204);
    expect((await listMessages(other, created.key)).statusCode).toBe(401);
    expect((await listMessages(api, created.key)).statusCode).toBe(401);
    const listed = await api.app.inject({ method: 'GET', url: '/v1/api-keys', headers: project.auth });
    expect(listed.json<{ data: { id: string; revoked_at: string | null }[] }>().data.find((k) => k.id === created.id)?.revoked_at).not.toBeNull();
  });

  it('refuses an expired key', async () => {
    const created = (await create({ name: 'short', scopes: ['messages:read'], expires_at: new Date(Date.now() + 1_500).toISOString() })).json<CreatedKey>();
    expect((await listMessages(api, created.key)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_600));
    expect((await listMessages(api, created.key)).statusCode).toBe(401);
  });

  it('rolls a key: the replacement works at once with the same scopes, the old one for the grace period only', async () => {
    const created = (await create({ name: 'rolled', scopes: ['messages:read'], domains: [project.domain] })).json<CreatedKey>();
    const rolled = await api.app.inject({ method: 'POST', url: `/v1/api-keys/${created.id}/roll`, headers: project.auth, payload: { grace_seconds: 1 } });
    expect(rolled.statusCode).toBe(201);
    const replacement = rolled.json<CreatedKey>();
    expect(replacement).toMatchObject({ scopes: ['messages:read'], domains: [project.domain], mode: 'live' });
    expect(replacement.key).not.toBe(created.key);
    expect((await listMessages(api, replacement.key)).statusCode).toBe(200);
    expect((await listMessages(api, created.key)).statusCode).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await listMessages(api, created.key)).statusCode).toBe(401);
    expect((await listMessages(api, replacement.key)).statusCode).toBe(200);

    const immediate = (await create({ name: 'now', scopes: ['messages:read'] })).json<CreatedKey>();
    await api.app.inject({ method: 'POST', url: `/v1/api-keys/${immediate.id}/roll`, headers: project.auth, payload: { grace_seconds: 0 } });
    expect((await listMessages(api, immediate.key)).statusCode).toBe(401);
  });

  it('records when a key was last used', async () => {
    const created = (await create({ name: 'used', scopes: ['messages:read'] })).json<CreatedKey>();
    await listMessages(api, created.key);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await api.db.apiKey.findUniqueOrThrow({ where: { id: created.id } })).lastUsedAt).not.toBeNull();
  });
});
