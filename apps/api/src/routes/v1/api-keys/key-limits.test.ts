import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDomain } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_MASTER_KEY, uniqueName } from '@herald/test/support/env.ts';

describe('what a key may do: scopes and domains', () => {
  let api: TestApi;
  let project: TestProject;
  let otherDomain: string;
  let limited: { authorization: string };
  let sendingOnly: { authorization: string };

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'limits');
    otherDomain = `${uniqueName('limits-b')}.example`;
    const added = await addDomain(api.db, Buffer.from(TEST_MASTER_KEY, 'base64'), project.id, otherDomain);
    await api.db.domain.update({ where: { id: added.id }, data: { status: 'verified' } });
    const create = async (body: object) => {
      const response = await api.app.inject({ method: 'POST', url: '/v1/api-keys', headers: project.auth, payload: body });
      return { authorization: `Bearer ${response.json<{ key: string }>().key}` };
    };
    limited = await create({ name: 'one domain', scopes: ['full'], domains: [project.domain] });
    sendingOnly = await create({ name: 'sending', scopes: ['sending'] });
  });
  afterAll(() => api.close());

  const send = (from: string, auth: { authorization: string }) =>
    api.app.inject({ method: 'POST', url: '/v1/messages', headers: auth, payload: { from, to: 'ann@example.org', subject: 's', text: 't' } });

  it('lets a key limited to a domain send from it, and refuses the other domains naming them', async () => {
    expect((await send(`a@${project.domain}`, limited)).statusCode).toBe(202);
    const refused = await send(`a@${otherDomain}`, limited);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: { code: 'insufficient_scope', details: [{ field: 'from' }] } });
    expect(refused.json<{ error: { message: string } }>().error.message).toContain(otherDomain);
  });

  it('shows and manages only its own domains', async () => {
    const listed = await api.app.inject({ method: 'GET', url: '/v1/domains', headers: limited });
    expect(listed.json<{ data: { name: string }[] }>().data.map((d) => d.name)).toEqual([project.domain]);
    const foreign = await api.db.domain.findFirstOrThrow({ where: { name: otherDomain } });
    const verify = await api.app.inject({ method: 'POST', url: `/v1/domains/${foreign.id}/verify`, headers: limited });
    expect(verify.statusCode).toBe(403);
    expect(verify.json()).toMatchObject({ error: { code: 'insufficient_scope' } });
  });

  it('lets a "sending" key send but not read, naming the scope it lacks', async () => {
    const sent = await send(`a@${project.domain}`, sendingOnly);
    expect(sent.statusCode).toBe(202);
    const read = await api.app.inject({ method: 'GET', url: `/v1/messages/${sent.json<{ id: string }>().id}`, headers: sendingOnly });
    expect(read.statusCode).toBe(403);
    expect(read.json()).toMatchObject({ error: { code: 'insufficient_scope', details: [{ message: 'missing messages:read' }] } });
    const keys = await api.app.inject({ method: 'GET', url: '/v1/api-keys', headers: sendingOnly });
    expect(keys.json()).toMatchObject({ error: { code: 'insufficient_scope', message: 'this request needs the keys:manage scope' } });
  });
});
