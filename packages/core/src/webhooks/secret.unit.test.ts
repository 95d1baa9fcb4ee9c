import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { generateWebhookSecret, signPayload } from './secret.ts';

const body = JSON.stringify({ type: 'message.delivered', data: { message_id: 'msg_01', recipient: 'ann@example.org' } });
const id = 'evt_01J0000000000000000000000';
const nowSeconds = () => Math.floor(Date.now() / 1000);

function headersFor(signature: string, timestamp: number): Record<string, string> {
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signature };
}

describe('webhook secrets and signatures (Standard Webhooks)', () => {
  it('generates whsec_ secrets carrying 24 random bytes, a new one each time', () => {
    const first = generateWebhookSecret();
    const second = generateWebhookSecret();

    expect(first).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(Buffer.from(first.slice('whsec_'.length), 'base64')).toHaveLength(24);
    expect(second).not.toBe(first);
  });

  it('signs so that the official standardwebhooks package verifies the delivery', () => {
    const secret = generateWebhookSecret();
    const timestamp = nowSeconds();
    const signature = signPayload({ id, timestamp, body, secrets: [secret] });

    expect(signature).toMatch(/^v1,[A-Za-z0-9+/]{43}=$/);
    expect(new Webhook(secret).verify(body, headersFor(signature, timestamp))).toEqual(JSON.parse(body));
  });

  it('gives the same signature as the official package computes', () => {
    const secret = generateWebhookSecret();
    const timestamp = 1_700_000_000;

    expect(signPayload({ id, timestamp, body, secrets: [secret] })).toBe(new Webhook(secret).sign(id, new Date(timestamp * 1000), body));
  });

  it('signs with both secrets during a rotation, and each secret alone verifies the header', () => {
    const oldSecret = generateWebhookSecret();
    const newSecret = generateWebhookSecret();
    const timestamp = nowSeconds();
    const signature = signPayload({ id, timestamp, body, secrets: [newSecret, oldSecret] });

    expect(signature.split(' ')).toHaveLength(2);
    expect(new Webhook(oldSecret).verify(body, headersFor(signature, timestamp))).toEqual(JSON.parse(body));
    expect(new Webhook(newSecret).verify(body, headersFor(signature, timestamp))).toEqual(JSON.parse(body));
  });

  it('produces signatures that fail verification for another secret, a changed body, id or timestamp', () => {
    const secret = generateWebhookSecret();
    const timestamp = nowSeconds();
    const signature = signPayload({ id, timestamp, body, secrets: [secret] });
    const verifier = new Webhook(secret);

    expect(() => new Webhook(generateWebhookSecret()).verify(body, headersFor(signature, timestamp))).toThrow(/signature/i);
    expect(() => verifier.verify(`${body} `, headersFor(signature, timestamp))).toThrow(/signature/i);
    expect(() => verifier.verify(body, { ...headersFor(signature, timestamp), 'webhook-id': `${id}x` })).toThrow(/signature/i);
    expect(() => verifier.verify(body, headersFor(signature, timestamp - 1))).toThrow(/signature/i);
  });

  it('refuses to sign without a secret, with a secret that is not base64, or with a fractional timestamp', () => {
    const secret = generateWebhookSecret();

    expect(() => signPayload({ id, timestamp: nowSeconds(), body, secrets: [] })).toThrow(/at least one secret/);
    expect(() => signPayload({ id, timestamp: nowSeconds(), body, secrets: ['whsec_not base64!'] })).toThrow(/base64/);
    expect(() => signPayload({ id, timestamp: 1.5, body, secrets: [secret] })).toThrow(/whole number/);
  });
});
