import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

describe('GET /v1/messages/{id}', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  let messageId: string;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'get');
    other = await seedProject(api.db, 'get-other');
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `Sender <me@${project.domain}>`, to: 'you@example.org', subject: 'Status', text: 'hi' },
    });
    messageId = response.json<{ id: string }>().id;
  });
  afterAll(() => api.close());

  it('shows the status, the sender, each recipient and the event timeline', async () => {
    const response = await api.app.inject({ method: 'GET', url: `/v1/messages/${messageId}`, headers: project.auth });
    expect(response.statusCode).toBe(200);
    const message = response.json<Record<string, unknown>>();
    expect(message).toMatchObject({
      id: messageId,
      status: 'queued',
      from: { email: `me@${project.domain}`, name: 'Sender' },
      subject: 'Status',
      message_id: `${messageId}@${project.domain}`,
      recipients: [{ email: 'you@example.org', kind: 'to', status: 'queued', attempts: 0, last_reply: null }],
      events: [{ type: 'queued', recipient: 'you@example.org', smtp: null, tls: null }],
    });
  });

  it("answers 404 to another project's key, as if the message did not exist", async () => {
    const response = await api.app.inject({ method: 'GET', url: `/v1/messages/${messageId}`, headers: other.auth });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('answers 404 to an id that does not exist', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/messages/msg_00000000000000000000000000', headers: project.auth });
    expect(response.statusCode).toBe(404);
  });

  it('answers 401 without a key', async () => {
    const response = await api.app.inject({ method: 'GET', url: `/v1/messages/${messageId}` });
    expect(response.statusCode).toBe(401);
  });
});
