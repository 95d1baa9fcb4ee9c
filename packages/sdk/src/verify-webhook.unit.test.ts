import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { verifyWebhook, WebhookVerificationError } from './verify-webhook.ts';

const SECRET = `whsec_${Buffer.from('a secret of thirty-two bytes!!!!').toString('base64')}`;

function signed(body: string, secret = SECRET) {
  const id = 'evt_01TEST';
  const timestamp = new Date();
  const signature = new Webhook(secret).sign(id, timestamp, body);
  return { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)), 'webhook-signature': signature };
}

describe('verifyWebhook', () => {
  const body = JSON.stringify({ type: 'message.delivered', timestamp: '2026-12-04T10:00:00.000Z', data: { event_id: 'evt_01TEST', message_id: 'msg_1' } });

  it("returns the event for a body signed with the endpoint's secret, whether headers come from node:http, in any case, or as fetch Headers", () => {
    const headers = signed(body);
    expect(verifyWebhook(body, headers, SECRET)).toMatchObject({ type: 'message.delivered', data: { message_id: 'msg_1' } });
    const upper = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toUpperCase(), [v]]));
    expect(verifyWebhook(Buffer.from(body), upper, SECRET).type).toBe('message.delivered');
    expect(verifyWebhook(body, new Headers(headers), SECRET).type).toBe('message.delivered');
  });

  it('accepts either signature during a rotation (two, space-separated)', () => {
    const other = `whsec_${Buffer.from('another secret, thirty-two bytes').toString('base64')}`;
    const headers = signed(body);
    const both = { ...headers, 'webhook-signature': `${signed(body, other)['webhook-signature']} ${headers['webhook-signature']}` };
    expect(verifyWebhook(body, both, SECRET).type).toBe('message.delivered');
  });

  it('throws WebhookVerificationError for a changed body, another secret, missing headers or an old timestamp', () => {
    const headers = signed(body);
    const other = `whsec_${Buffer.from('another secret, thirty-two bytes').toString('base64')}`;
    expect(() => verifyWebhook(body.replace('msg_1', 'msg_2'), headers, SECRET)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, headers, other)).toThrow(WebhookVerificationError);
    expect(() => verifyWebhook(body, { 'webhook-id': headers['webhook-id'] }, SECRET)).toThrow(WebhookVerificationError);
    const old = String(Math.floor(Date.now() / 1000) - 3600);
    expect(() => verifyWebhook(body, { ...headers, 'webhook-timestamp': old }, SECRET)).toThrow(WebhookVerificationError);
  });
});
