import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';

interface Webhook {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  secret?: string;
  disabled_at: string | null;
}

describe('webhook endpoints', () => {
  let api: TestApi;
  let devApi: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    [api, devApi] = await Promise.all([buildTestApi(), buildTestApi({ HERALD_WEBHOOK_ALLOW_HTTP: 'true' })]);
    project = await seedProject(api.db, 'webhooks');
  });
  afterAll(async () => {
    await Promise.all([api.close(), devApi.close()]);
  });

  const call = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object, app = api) =>
    app.app.inject({ method, url, headers: project.auth, ...(payload ? { payload } : {}) });
  const create = (payload: object, app = api) => call('POST', '/v1/webhooks', payload, app);

  it('answers with the signing secret once and keeps it encrypted', async () => {
    const response = await create({ url: 'https://hooks.example.com/herald', events: ['message.delivered', 'message.bounced'] });
    expect(response.statusCode).toBe(201);
    const webhook = response.json<Webhook>();
    expect(webhook.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    const row = await api.db.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } });
    expect(row.secretEncrypted).not.toContain(webhook.secret?.slice(6));
    expect(open(row.secretEncrypted, Buffer.from(TEST_MASTER_KEY, 'base64'))).toBe(webhook.secret);
    const read = await call('GET', `/v1/webhooks/${webhook.id}`);
    expect(read.body).not.toContain(webhook.secret);
    expect(read.json()).toMatchObject({ url: 'https://hooks.example.com/herald', events: ['message.delivered', 'message.bounced'], enabled: true });
  });

  it.each([
    ['plain http', 'http://hooks.example.com/x', /https/],
    ['a loopback address', 'https://127.0.0.1/x', /loopback/],
    ['a private address', 'https://10.1.2.3/x', /private/],
    ['the cloud metadata address', 'https://169.254.169.254/latest', /link-local/],
    ['an IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/x', /loopback/],
    ['credentials in the URL', 'https://user:pass@hooks.example.com/x', /credentials|userinfo|user/],
    ['not a URL', 'hooks', /URL|url/],
  ])('refuses %s as a webhook URL, naming url', async (_what, url, reason) => {
    const response = await create({ url, events: ['message.delivered'] });
    expect(response.statusCode).toBe(400);
    const error = response.json<{ error: { details: { field: string; message: string }[] } }>().error;
    expect(error.details[0]?.field).toBe('url');
    expect(error.details[0]?.message).toMatch(reason);
  });

  it('accepts http only when the configuration allows it, and refuses unknown event types', async () => {
    expect((await create({ url: 'http://hooks.example.com/x', events: ['message.delivered'] }, devApi)).statusCode).toBe(201);
    const bad = await create({ url: 'https://hooks.example.com/x', events: ['message.opened'] });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field).toBe('events.0');
  });

  it('changes, re-enables, lists and deletes endpoints', async () => {
    const webhook = (await create({ url: 'https://a.example.com/h', events: ['message.queued'] })).json<Webhook>();
    await api.db.webhookEndpoint.update({ where: { id: webhook.id }, data: { disabledAt: new Date(), disabledReason: 'gone', failingSince: new Date() } });
    const patched = await call('PATCH', `/v1/webhooks/${webhook.id}`, { url: 'https://b.example.com/h', events: ['domain.failed'], enabled: true });
    expect(patched.json()).toMatchObject({ url: 'https://b.example.com/h', events: ['domain.failed'], disabled_at: null, failing_since: null });
    expect((await call('PATCH', `/v1/webhooks/${webhook.id}`, { url: 'https://10.0.0.1/' })).statusCode).toBe(400);
    const listed = (await call('GET', '/v1/webhooks')).json<{ data: Webhook[] }>().data;
    expect(listed.map((w) => w.id)).toContain(webhook.id);
    expect((await call('DELETE', `/v1/webhooks/${webhook.id}`)).statusCode).toBe(204);
    expect((await call('GET', `/v1/webhooks/${webhook.id}`)).statusCode).toBe(404);
  });

  it('rotates the secret: a new one, the old one still signing for 24 hours', async () => {
    const webhook = (await create({ url: 'https://hooks.example.com/r', events: ['message.delivered'] })).json<Webhook>();
    const rotated = await call('POST', `/v1/webhooks/${webhook.id}/rotate-secret`);
    const body = rotated.json<{ secret: string; previous_secret_expires_at: string }>();
    expect(body.secret).not.toBe(webhook.secret);
    expect(new Date(body.previous_secret_expires_at).getTime()).toBeCloseTo(Date.now() + 86_400_000, -4);
    const row = await api.db.webhookEndpoint.findUniqueOrThrow({ where: { id: webhook.id } });
    const key = Buffer.from(TEST_MASTER_KEY, 'base64');
    expect(open(row.secretEncrypted, key)).toBe(body.secret);
    expect(open(row.previousSecretEncrypted as string, key)).toBe(webhook.secret);
  });

  it('queues a test event, lists deliveries, retries one and replays a time range', async () => {
    const webhook = (await create({ url: 'https://hooks.example.com/t', events: ['message.delivered'] })).json<Webhook>();
    const queued = await call('POST', `/v1/webhooks/${webhook.id}/test`);
    expect(queued.statusCode).toBe(202);
    const delivery = queued.json<{ id: string; event_type: string; status: string; event_id: string }>();
    expect(delivery).toMatchObject({ event_type: 'webhook.test', status: 'pending' });

    await api.db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'failed', attempts: 8, lastStatusCode: 500 } });
    const listed = (await call('GET', `/v1/webhooks/${webhook.id}/deliveries`)).json<{ data: { id: string; status: string; response_code: number | null }[] }>();
    expect(listed.data[0]).toMatchObject({ id: delivery.id, status: 'failed', response_code: 500 });

    const retried = await call('POST', `/v1/webhooks/${webhook.id}/deliveries/${delivery.id}/retry`);
    expect(retried.json()).toMatchObject({ id: delivery.id, status: 'pending', event_id: delivery.event_id });

    await api.db.webhookDelivery.update({ where: { id: delivery.id }, data: { status: 'succeeded' } });
    const replay = await call('POST', `/v1/webhooks/${webhook.id}/replay`, { since: new Date(Date.now() - 60_000).toISOString(), until: new Date(Date.now() + 1_000).toISOString() });
    expect(replay.json()).toEqual({ replayed: 1 });
    expect((await api.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } })).status).toBe('pending');
    const empty = await call('POST', `/v1/webhooks/${webhook.id}/replay`, { since: '2020-01-01T00:00:00Z', until: '2020-01-02T00:00:00Z' });
    expect(empty.json()).toEqual({ replayed: 0 });
  });
});
