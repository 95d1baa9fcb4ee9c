import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { randomLoopbackAddress } from '../support/https-policy-server.ts';
import { waitFor } from '../support/wait-for.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '../support/webhook-receiver.ts';

/** Webhooks from real API and worker processes to a real receiver on loopback (allowed by configuration). */
describe('webhooks end to end', () => {
  let stack: HeraldStack;
  let receiver: TestWebhookReceiver;

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ host: randomLoopbackAddress() });
    stack = await startHeraldStack({
      label: 'hooks',
      env: { HERALD_WEBHOOK_ALLOW_HTTP: 'true', HERALD_WEBHOOK_ALLOWED_HOSTS: receiver.host },
    });
  });
  afterAll(async () => {
    await stack?.stop();
    await receiver?.close();
  });

  it('tells the application a message was queued and delivered, signed so that standardwebhooks verifies it', async () => {
    const created = await fetch(`${stack.apiUrl}/v1/webhooks`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ url: receiver.url('/herald'), events: ['message.queued', 'message.delivered'] }),
    });
    expect(created.status).toBe(201);
    const { secret } = (await created.json()) as { secret: string };

    const sent = await stack.send({ from: `hi@${stack.senderDomain}`, to: `ann@${stack.recipientDomain}`, subject: 'hooked', text: 'x', tags: ['e2e'] });
    const { id } = (await sent.json()) as { id: string };
    await stack.waitForStatus(id, 'delivered');

    const verified = await waitFor('both webhooks', () => {
      const events = receiver.requests.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: { message_id: string; tags: string[]; smtp: { code: number } | null } });
      const mine = events.filter((e) => e.data.message_id === id);
      return mine.length >= 2 ? mine : null;
    });
    expect(verified.map((e) => e.type).sort()).toEqual(['message.delivered', 'message.queued']);
    expect(verified.find((e) => e.type === 'message.delivered')).toMatchObject({ data: { tags: ['e2e'], smtp: { code: 250 } } });
  });
});
