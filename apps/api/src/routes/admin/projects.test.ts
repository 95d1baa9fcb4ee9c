import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, type TestApi } from '@herald/test/support/api-app.ts';
import { uniqueName } from '@herald/test/support/env.ts';

const TOKEN = 'admin-token-for-tests-0123456789abcdef';

describe('the admin API', () => {
  let enabled: TestApi;
  let disabled: TestApi;

  beforeAll(async () => {
    [enabled, disabled] = await Promise.all([buildTestApi({ HERALD_ADMIN_TOKEN: TOKEN }), buildTestApi()]);
  });
  afterAll(async () => {
    await Promise.all([enabled.close(), disabled.close()]);
  });

  const admin = { authorization: `Bearer ${TOKEN}` };

  it('does not exist without HERALD_ADMIN_TOKEN', async () => {
    const response = await disabled.app.inject({ method: 'GET', url: '/admin/projects', headers: admin });
    expect(response.statusCode).toBe(404);
  });

  it('refuses a missing or wrong token, and project API keys', async () => {
    expect((await enabled.app.inject({ method: 'GET', url: '/admin/projects' })).statusCode).toBe(401);
    expect((await enabled.app.inject({ method: 'GET', url: '/admin/projects', headers: { authorization: `Bearer ${TOKEN}x` } })).statusCode).toBe(401);
    const created = await enabled.app.inject({ method: 'POST', url: '/admin/projects', headers: admin, payload: { name: uniqueName('adm') } });
    const projectKey = created.json<{ api_key: { key: string } }>().api_key.key;
    expect((await enabled.app.inject({ method: 'GET', url: '/admin/projects', headers: { authorization: `Bearer ${projectKey}` } })).statusCode).toBe(401);
  });

  it('creates a project whose first key works, and lists projects', async () => {
    const name = uniqueName('admin');
    const created = await enabled.app.inject({ method: 'POST', url: '/admin/projects', headers: admin, payload: { name, daily_quota: 1000 } });
    expect(created.statusCode).toBe(201);
    const body = created.json<{ project: { id: string; name: string; daily_quota: number }; api_key: { key: string } }>();
    expect(body.project).toMatchObject({ name, daily_quota: 1000 });
    const keys = await enabled.app.inject({ method: 'GET', url: '/v1/api-keys', headers: { authorization: `Bearer ${body.api_key.key}` } });
    expect(keys.statusCode).toBe(200);
    const listed = await enabled.app.inject({ method: 'GET', url: '/admin/projects', headers: admin });
    expect(listed.json<{ data: { id: string }[] }>().data.map((p) => p.id)).toContain(body.project.id);
    const again = await enabled.app.inject({ method: 'POST', url: '/admin/projects', headers: admin, payload: { name } });
    expect(again.statusCode).toBe(409);
  });
});
