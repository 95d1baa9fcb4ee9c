import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { generateWebhookSecret, newId, seal } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '@herald/test/support/webhook-receiver.ts';
import { dispatchDue, type WebhookDeps } from './dispatch-webhooks.ts';

const MINUTE = 60_000;

describe('webhook delivery from the outbox', () => {
  let h: DeliveryHarness;
  let receiver: TestWebhookReceiver;
  let deps: WebhookDeps;
  let secret: string;
  let webhookId: string;

  beforeAll(async () => {
    h = await startDeliveryHarness('webhooks');
    receiver = await startWebhookReceiver();
    h.dns.set('hooks.example.test', [{ type: 'A', address: receiver.host }]);
    deps = {
      db: h.deps.db,
      resolver: h.deps.resolver,
      masterKey: h.deps.masterKey,
      policy: { retrySchedule: [5_000, 5 * MINUTE, 30 * MINUTE], disableAfterMs: 3 * 24 * 60 * MINUTE },
      http: { timeoutMs: 2_000, allowHttp: true, allowedHosts: ['hooks.example.test'] },
      clock: () => h.now,
      random: () => 0.5,
      log: h.deps.log,
    };
  });
  beforeEach(async () => {
    h.now = new Date(); // receivers check the signed timestamp against their own clock
    receiver.respond({ status: 200 });
    receiver.requests.length = 0;
    await h.db.webhookEndpoint.deleteMany({ where: { projectId: h.projectId } });
    secret = generateWebhookSecret();
    webhookId = newId('webhook');
    await h.db.webhookEndpoint.create({
      data: {
        id: webhookId,
        projectId: h.projectId,
        url: receiver.url('/hook', 'hooks.example.test'),
        events: ['message.queued', 'message.delivered', 'message.bounced'],
        secretEncrypted: seal(secret, h.deps.masterKey),
      },
    });
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
  });

  const deliveries = () => h.db.webhookDelivery.findMany({ where: { endpointId: webhookId }, orderBy: { createdAt: 'asc' } });
  const later = (ms: number) => {
    h.now = new Date(h.now.getTime() + ms);
  };

  it('records a delivery with each subscribed event, in the same transaction, and sends it signed per Standard Webhooks', async () => {
    const { id } = await h.accept({ to: [{ email: 'ann@example.org' }], tags: ['welcome'], metadata: { user: '7' } });
    const [delivery] = await deliveries();
    expect(delivery).toMatchObject({ eventType: 'message.queued', status: 'pending' });

    expect(await dispatchDue(deps, 100, 20, h.projectId)).toBe(1);

    const [request] = receiver.requests;
    expect(request?.path).toBe('/hook');
    const verified = new Webhook(secret).verify(request?.body ?? '', request?.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
    expect(verified).toMatchObject({
      type: 'message.queued',
      data: { event_id: delivery?.eventId, message_id: id, recipient: 'ann@example.org', tags: ['welcome'], metadata: { user: '7' } },
    });
    expect(request?.headers['webhook-id']).toBe(delivery?.eventId);
    expect((await deliveries())[0]).toMatchObject({ status: 'succeeded', attempts: 1, lastStatusCode: 200 });
  });

  it('retries a failing receiver on the schedule with the same webhook-id, and gives up after the last retry', async () => {
    receiver.respond({ status: 500 });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    await dispatchDue(deps, 100, 20, h.projectId);
    let [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 500 });
    expect(delivery?.nextAttemptAt?.getTime()).toBe(h.now.getTime() + 5_000);

    expect(await dispatchDue(deps, 100, 20, h.projectId)).toBe(0); // not due yet
    for (const wait of [5_000, 5 * MINUTE, 30 * MINUTE]) {
      later(wait);
      expect(await dispatchDue(deps, 100, 20, h.projectId)).toBe(1);
    }
    [delivery] = await deliveries();
    expect(delivery).toMatchObject({ status: 'failed', attempts: 4 });
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(1);
    expect(receiver.requests).toHaveLength(4);
  });

  it('honours Retry-After when it asks for longer than the schedule', async () => {
    receiver.respond({ status: 429, headers: { 'retry-after': '600' } });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    await dispatchDue(deps, 100, 20, h.projectId);
    expect((await deliveries())[0]?.nextAttemptAt?.getTime()).toBe(h.now.getTime() + 600_000);
  });

  it('treats a redirect as a failure and does not follow it', async () => {
    const elsewhere = await startWebhookReceiver();
    try {
      receiver.respond({ status: 301, headers: { location: elsewhere.url('/') } });
      await h.accept({ to: [{ email: 'ann@example.org' }] });
      await dispatchDue(deps, 100, 20, h.projectId);
      expect((await deliveries())[0]).toMatchObject({ status: 'pending', lastStatusCode: 301 });
      expect(elsewhere.connections).toBe(0);
    } finally {
      await elsewhere.close();
    }
  });

  it('disables the endpoint on 410 Gone, recording why, and sends it nothing more', async () => {
    receiver.respond({ status: 410 });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    await dispatchDue(deps, 100, 20, h.projectId);
    const endpoint = await h.db.webhookEndpoint.findUniqueOrThrow({ where: { id: webhookId } });
    expect(endpoint.disabledAt).not.toBeNull();
    expect(endpoint.disabledReason).toContain('410');
    expect((await deliveries())[0]).toMatchObject({ status: 'failed', lastStatusCode: 410 });
    const notice = await h.db.event.findFirst({ where: { projectId: h.projectId, type: 'webhook_disabled' }, orderBy: { createdAt: 'desc' } });
    expect(notice?.data).toMatchObject({ webhook_id: webhookId });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    expect(await dispatchDue(deps, 100, 20, h.projectId)).toBe(0);
  });

  it('disables an endpoint that has failed every attempt for days', async () => {
    receiver.respond({ status: 503 });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    await dispatchDue(deps, 100, 20, h.projectId);
    later(3 * 24 * 60 * MINUTE);
    await h.accept({ to: [{ email: 'bob@example.org' }] });
    await dispatchDue(deps, 100, 20, h.projectId);
    const endpoint = await h.db.webhookEndpoint.findUniqueOrThrow({ where: { id: webhookId } });
    expect(endpoint.disabledReason).toContain('every attempt has failed since');
  });

  it('signs with both secrets during a rotation, each verifying on its own', async () => {
    const next = generateWebhookSecret();
    await h.db.webhookEndpoint.update({
      where: { id: webhookId },
      data: { secretEncrypted: seal(next, h.deps.masterKey), previousSecretEncrypted: seal(secret, h.deps.masterKey), previousSecretExpiresAt: new Date(h.now.getTime() + 60 * MINUTE) },
    });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    await dispatchDue(deps, 100, 20, h.projectId);
    const [request] = receiver.requests;
    expect(String(request?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    for (const key of [secret, next]) expect(() => new Webhook(key).verify(request?.body ?? '', request?.headers as Record<string, string>)).not.toThrow();
  });

  it('refuses a receiver whose name resolves to an internal address not allowed by configuration', async () => {
    h.dns.set('internal.example.test', [{ type: 'A', address: receiver.host }]);
    await h.db.webhookEndpoint.update({ where: { id: webhookId }, data: { url: receiver.url('/hook', 'internal.example.test') } });
    await h.accept({ to: [{ email: 'ann@example.org' }] });
    const connections = receiver.connections;
    await dispatchDue(deps, 100, 20, h.projectId);
    expect(receiver.connections).toBe(connections);
    expect(receiver.requests).toHaveLength(0);
    expect((await deliveries())[0]?.lastError).toMatch(/loopback/);
  });

  it('lets two workers share the outbox without sending a delivery twice', async () => {
    for (let i = 0; i < 6; i++) await h.accept({ to: [{ email: `r${i}@example.org` }] });
    const [first, second] = await Promise.all([dispatchDue(deps, 100, 20, h.projectId), dispatchDue(deps, 100, 20, h.projectId)]);
    expect((first ?? 0) + (second ?? 0)).toBe(6);
    expect(receiver.requests).toHaveLength(6);
    expect(new Set(receiver.requests.map((r) => r.headers['webhook-id'])).size).toBe(6);
  });
});
