import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createDomain, domainClient, uniqueDomain, type DomainView, type ErrorBody } from './domain-test-support.ts';

describe('DELETE /v1/domains/{id}', () => {
  let api: TestApi;

  beforeAll(async () => {
    api = await buildTestApi();
  });
  afterAll(() => api.close());

  const send = (project: TestProject, payload: Record<string, unknown> = {}) =>
    api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `news@${project.domain}`, to: 'ann@one.example', subject: 'hi', text: 'hello', ...payload },
    });

  /** A project whose verified domain has sent one message, with the domain's id. */
  async function projectWithMessage(label: string, payload: Record<string, unknown> = {}) {
    const project = await seedProject(api.db, label);
    const domain = await api.db.domain.findFirstOrThrow({ where: { projectId: project.id } });
    const response = await send(project, payload);
    expect(response.statusCode).toBe(202);
    return { project, domainId: domain.id, messageId: response.json<{ id: string }>().id };
  }

  it('refuses with 409 while a message from the domain is queued, naming how many wait, and deletes nothing', async () => {
    const { project, domainId, messageId } = await projectWithMessage('del-queued');
    expect((await api.db.message.findUniqueOrThrow({ where: { id: messageId } })).status).toBe('queued');

    const response = await domainClient(api, project.auth).remove(domainId);

    expect(response.statusCode).toBe(409);
    const { error } = response.json<ErrorBody>();
    expect(error).toMatchObject({ code: 'conflict', details: { waiting_messages: 1 } });
    expect(error.message).toContain('force=true');
    expect(await api.db.domain.count({ where: { id: domainId } })).toBe(1);
    expect(await api.db.dkimKey.count({ where: { domainId } })).toBe(1);
    expect((await api.db.message.findUniqueOrThrow({ where: { id: messageId } })).domainId).toBe(domainId);
  });

  it('counts scheduled and deferred messages as waiting too, but not delivered ones', async () => {
    const sendAt = new Date(Date.now() + 24 * 3600_000).toISOString();
    const { project, domainId, messageId } = await projectWithMessage('del-waiting', { send_at: sendAt });
    expect((await api.db.message.findUniqueOrThrow({ where: { id: messageId } })).status).toBe('scheduled');
    const deferred = (await send(project)).json<{ id: string }>().id;
    await api.db.message.update({ where: { id: deferred }, data: { status: 'deferred' } });
    const delivered = (await send(project)).json<{ id: string }>().id;
    await api.db.message.update({ where: { id: delivered }, data: { status: 'delivered' } });

    const response = await domainClient(api, project.auth).remove(domainId);

    expect(response.statusCode).toBe(409);
    expect(response.json<ErrorBody>().error.details).toEqual({ waiting_messages: 2 });
  });

  it('deletes with ?force=true: 204, the domain and its keys are gone, and its waiting messages lose it (so they fail, unsigned never)', async () => {
    const { project, domainId, messageId } = await projectWithMessage('del-force');
    const client = domainClient(api, project.auth);

    const response = await client.remove(domainId, '?force=true');

    expect(response.statusCode).toBe(204);
    expect(response.body).toBe('');
    expect(await api.db.domain.count({ where: { id: domainId } })).toBe(0);
    expect(await api.db.dkimKey.count({ where: { domainId } })).toBe(0);
    // the message stays (its history is the project's), no longer tied to a domain that could sign it
    expect(await api.db.message.findUniqueOrThrow({ where: { id: messageId } })).toMatchObject({ status: 'queued', domainId: null });
    expect((await client.get(domainId)).statusCode).toBe(404);
    expect((await client.remove(domainId, '?force=true')).statusCode).toBe(404);
  });

  it('deletes a domain without waiting messages with 204; it is then gone from GET, the list, and cannot send', async () => {
    const project = await seedProject(api.db, 'del-plain');
    const client = domainClient(api, project.auth);
    const view: DomainView = await createDomain(api, project.auth, { name: uniqueDomain('plain'), ed25519: true });

    const response = await client.remove(view.id);

    expect(response.statusCode).toBe(204);
    expect(await api.db.dkimKey.count({ where: { domainId: view.id } })).toBe(0);
    const get = await client.get(view.id);
    expect(get.statusCode).toBe(404);
    expect(get.json<ErrorBody>().error.code).toBe('not_found');
    expect((await client.list()).json<{ data: DomainView[] }>().data.map((d) => d.name)).toEqual([project.domain]);
    // the name can be added again, with new keys
    const again = await createDomain(api, project.auth, { name: view.name });
    expect(again.id).not.toBe(view.id);
    expect(again.dkim_keys[0]?.selector).not.toBe(view.dkim_keys[0]?.selector);
  });

  it('refuses sending from a deleted domain with 403 domain_not_verified', async () => {
    const project = await seedProject(api.db, 'del-send');
    const domain = await api.db.domain.findFirstOrThrow({ where: { projectId: project.id } });
    expect((await domainClient(api, project.auth).remove(domain.id)).statusCode).toBe(204);
    const response = await send(project);
    expect(response.statusCode).toBe(403);
    expect(response.json<ErrorBody>().error).toMatchObject({ code: 'domain_not_verified', details: [{ field: 'from' }] });
    expect(await api.db.message.count({ where: { projectId: project.id } })).toBe(0);
  });

  it('refuses a force value other than true or false with 400 naming query.force, deleting nothing', async () => {
    const project = await seedProject(api.db, 'del-badforce');
    const domain = await api.db.domain.findFirstOrThrow({ where: { projectId: project.id } });
    const response = await domainClient(api, project.auth).remove(domain.id, '?force=yes');
    expect(response.statusCode).toBe(400);
    expect(response.json<ErrorBody>().error).toMatchObject({ code: 'validation_failed', details: [{ field: 'query.force' }] });
    expect(await api.db.domain.count({ where: { id: domain.id } })).toBe(1);
  });
});
