import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { createTestCa, type TestCa } from '@herald/test/support/test-ca.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '@herald/test/support/webhook-receiver.ts';
import { createResolver, UNCACHED, type DnsResolver } from '../dns/resolver.ts';
import { generateWebhookSecret } from './secret.ts';
import { parseRetryAfter, sendWebhook, type SendWebhookOptions, type WebhookRequest } from './send-webhook.ts';

const secret = generateWebhookSecret();
const nameFor = (label: string) => `${label}-${randomBytes(4).toString('hex')}.test`;

function webhook(url: string): WebhookRequest {
  const body = JSON.stringify({ type: 'message.delivered', timestamp: new Date().toISOString(), data: { message_id: 'msg_1' } });
  return { url, id: `evt_${randomBytes(8).toString('hex')}`, timestamp: Math.floor(Date.now() / 1000), body, secrets: [secret] };
}

describe('sendWebhook against real receivers on loopback', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let ca: TestCa;
  const receivers: TestWebhookReceiver[] = [];

  /** Loopback receivers are reachable only because their host is allowed, as in development. */
  const allowing = (...allowedHosts: string[]): SendWebhookOptions => ({ resolver, allowHttp: true, allowedHosts, timeoutMs: 5_000 });

  async function receiver(options: Parameters<typeof startWebhookReceiver>[0] = {}): Promise<TestWebhookReceiver> {
    const started = await startWebhookReceiver(options);
    receivers.push(started);
    return started;
  }

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = createResolver({ servers: [dns.address], timeoutMs: 2_000, tries: 1, cache: UNCACHED });
    ca = createTestCa();
  });

  afterEach(async () => {
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  afterAll(async () => {
    await dns?.close();
  });

  it('delivers the body with the Standard Webhooks headers, and the request verifies with standardwebhooks', async () => {
    const hook = await receiver();
    const name = nameFor('hooks');
    dns.set(name, [{ type: 'A', address: hook.host }]);
    const request = webhook(hook.url('/in?project=1', name));

    const attempt = await sendWebhook(request, { ...allowing(name), userAgent: 'Herald-Test/1' });

    expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 200, error: null, retryAfterMs: null, address: hook.host });
    expect(hook.requests).toHaveLength(1);
    const received = hook.requests[0]!;
    expect(received).toMatchObject({ method: 'POST', path: '/in?project=1', body: request.body });
    expect(received.headers).toMatchObject({
      host: `${name}:${hook.port}`,
      'content-type': 'application/json',
      'user-agent': 'Herald-Test/1',
      'webhook-id': request.id,
      'webhook-timestamp': String(request.timestamp),
    });
    const verified = new Webhook(secret).verify(received.body, received.headers as Record<string, string>);
    expect(verified).toEqual(JSON.parse(request.body));
  });

  it('reports a 500 as failed with its status code', async () => {
    const hook = await receiver();
    hook.respond({ status: 500, body: 'boom' });

    const attempt = await sendWebhook(webhook(hook.url()), allowing(hook.host));

    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: 500, error: 'the receiver answered 500', address: hook.host });
    expect(hook.requests).toHaveLength(1);
  });

  it('reports a 410 as gone, so the endpoint can be disabled', async () => {
    const hook = await receiver();
    hook.respond({ status: 410 });

    const attempt = await sendWebhook(webhook(hook.url()), allowing(hook.host));

    expect(attempt).toMatchObject({ outcome: 'gone', statusCode: 410 });
  });

  it('does not follow a redirect: a 301 fails and the receiver it points to gets nothing', async () => {
    const target = await receiver();
    const hook = await receiver();
    hook.respond({ status: 301, headers: { location: target.url('/elsewhere') } });

    const attempt = await sendWebhook(webhook(hook.url()), allowing(hook.host, target.host));

    expect(attempt.outcome).toBe('failed');
    expect(attempt.statusCode).toBe(301);
    expect(attempt.error).toMatch(/redirects are not followed/);
    expect(hook.requests).toHaveLength(1);
    expect(target.connections).toBe(0);
    expect(target.requests).toHaveLength(0);
  });

  it('honours Retry-After given in seconds on a 503 and as an HTTP date on a 429', async () => {
    const hook = await receiver();
    const now = Date.UTC(2030, 0, 2, 3, 4, 5);
    hook.respond({ status: 503, headers: { 'retry-after': '120' } });
    const inSeconds = await sendWebhook(webhook(hook.url()), { ...allowing(hook.host), now: () => now });
    hook.respond({ status: 429, headers: { 'retry-after': new Date(now + 90_000).toUTCString() } });
    const asDate = await sendWebhook(webhook(hook.url()), { ...allowing(hook.host), now: () => now });

    expect(inSeconds).toMatchObject({ outcome: 'failed', statusCode: 503, retryAfterMs: 120_000 });
    expect(asDate).toMatchObject({ outcome: 'failed', statusCode: 429, retryAfterMs: 90_000 });
  });

  it('clamps Retry-After to between zero and a day, and ignores what is neither seconds nor a date', () => {
    const now = Date.UTC(2030, 0, 2);

    expect(parseRetryAfter('999999', now)).toBe(86_400_000);
    expect(parseRetryAfter(new Date(now - 60_000).toUTCString(), now)).toBe(0);
    expect(parseRetryAfter(' 7 ', now)).toBe(7_000);
    expect(parseRetryAfter('-5', now)).toBeNull();
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
  });

  it('gives up on a receiver that never answers within the one deadline', async () => {
    const hook = await receiver();
    hook.respond({ hang: true });
    const started = Date.now();

    const attempt = await sendWebhook(webhook(hook.url()), { ...allowing(hook.host), timeoutMs: 300 });
    const elapsed = Date.now() - started;

    expect(attempt).toMatchObject({ outcome: 'failed', statusCode: null, error: 'timed out after 300 ms', address: hook.host });
    expect(hook.requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
    expect(attempt.durationMs).toBeGreaterThanOrEqual(290);
  });

  it('counts DNS in the same deadline: a name whose server never answers times out at 300 ms', async () => {
    const name = nameFor('silent');
    dns.failWith(name, 'timeout');
    const started = Date.now();

    const attempt = await sendWebhook(webhook(`https://${name}/in`), { ...allowing(name), timeoutMs: 300 });

    expect(attempt).toMatchObject({ outcome: 'failed', error: 'timed out after 300 ms', address: null });
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  it('reports a connection refused and a name that does not exist as failures with their codes', async () => {
    const hook = await receiver();
    const closedPort = hook.url();
    await hook.close();
    const missing = nameFor('missing');

    const refused = await sendWebhook(webhook(closedPort), allowing(hook.host));
    const unknown = await sendWebhook(webhook(`https://${missing}/`), allowing(missing));

    expect(refused).toMatchObject({ outcome: 'failed', statusCode: null, error: 'ECONNREFUSED', address: hook.host });
    expect(unknown).toMatchObject({ outcome: 'failed', statusCode: null, address: null });
    expect(unknown.error).toMatch(/ENOTFOUND/);
  });

  it('reads a large response body only up to its limit and still reports the status', async () => {
    const hook = await receiver();
    hook.respond({ status: 202, body: 'x'.repeat(2 * 1024 * 1024) });

    const attempt = await sendWebhook(webhook(hook.url()), allowing(hook.host));

    expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 202 });
  });

  describe('over https', () => {
    async function httpsReceiver(certNames: string[]): Promise<{ hook: TestWebhookReceiver; name: string }> {
      const name = nameFor('secure');
      const hook = await receiver({ certificate: ca.issue(certNames.length > 0 ? certNames : [name]) });
      dns.set(name, [{ type: 'A', address: hook.host }]);
      return { hook, name };
    }

    it('delivers when the certificate chains to a trusted CA, sending the host name as SNI', async () => {
      const { hook, name } = await httpsReceiver([]);

      const attempt = await sendWebhook(webhook(hook.url('/in', name)), { ...allowing(name), allowHttp: false, ca: ca.certPem });

      expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 200, address: hook.host });
      expect(hook.requests[0]?.servername).toBe(name);
    });

    it('fails when the certificate is from an untrusted CA, sending nothing', async () => {
      const { hook, name } = await httpsReceiver([]);

      const attempt = await sendWebhook(webhook(hook.url('/in', name)), { ...allowing(name), allowHttp: false });

      expect(attempt.outcome).toBe('failed');
      expect(attempt.error).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED|UNABLE_TO_GET_ISSUER/);
      expect(hook.requests).toHaveLength(0);
    });

    it('fails when a trusted certificate names another host', async () => {
      const { hook, name } = await httpsReceiver(['someone-else.test']);

      const attempt = await sendWebhook(webhook(hook.url('/in', name)), { ...allowing(name), allowHttp: false, ca: ca.certPem });

      expect(attempt).toMatchObject({ outcome: 'failed', error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      expect(hook.requests).toHaveLength(0);
    });
  });
});
