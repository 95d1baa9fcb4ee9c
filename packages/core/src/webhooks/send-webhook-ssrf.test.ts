import { randomBytes } from 'node:crypto';
import { Socket } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startDnsServer, type TestDnsServer, type TestRecord } from '@herald/test/support/dns-server.ts';
import { startWebhookReceiver, type TestWebhookReceiver } from '@herald/test/support/webhook-receiver.ts';
import { createResolver, UNCACHED, type DnsResolver } from '../dns/resolver.ts';
import { generateWebhookSecret } from './secret.ts';
import { sendWebhook, type SendWebhookOptions, type WebhookRequest } from './send-webhook.ts';

const nameFor = (label: string) => `${label}-${randomBytes(4).toString('hex')}.test`;

function webhook(url: string): WebhookRequest {
  return { url, id: `evt_${randomBytes(8).toString('hex')}`, timestamp: Math.floor(Date.now() / 1000), body: '{"type":"test"}', secrets: [generateWebhookSecret()] };
}

describe('sendWebhook refuses addresses inside the network (SSRF)', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  const receivers: TestWebhookReceiver[] = [];
  const options = (allowedHosts: string[] = []): SendWebhookOptions => ({ resolver, allowHttp: true, allowedHosts, timeoutMs: 5_000 });

  async function receiver(host?: string): Promise<TestWebhookReceiver> {
    const started = await startWebhookReceiver(host ? { host } : {});
    receivers.push(started);
    return started;
  }

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = createResolver({ servers: [dns.address], timeoutMs: 2_000, tries: 1, cache: UNCACHED });
  });

  afterEach(async () => {
    vi.restoreAllMocks();
    await Promise.all(receivers.splice(0).map((r) => r.close()));
  });

  afterAll(async () => {
    await dns?.close();
  });

  it('refuses a host name that resolves to a loopback address, without connecting', async () => {
    const hook = await receiver();
    const name = nameFor('sneaky');
    dns.set(name, [{ type: 'A', address: hook.host }]);

    const attempt = await sendWebhook(webhook(hook.url('/in', name)), options());

    expect(attempt).toMatchObject({ outcome: 'refused', statusCode: null, address: hook.host });
    expect(attempt.error).toBe(`${name}: address ${hook.host} is refused: loopback`);
    expect(hook.connections).toBe(0);
  });

  it('delivers to the same host name once it is listed in allowedHosts', async () => {
    const hook = await receiver();
    const name = nameFor('internal');
    dns.set(name, [{ type: 'A', address: hook.host }]);

    const attempt = await sendWebhook(webhook(hook.url('/in', name)), options([name.toUpperCase()]));

    expect(attempt).toMatchObject({ outcome: 'delivered', statusCode: 200, address: hook.host });
    expect(hook.requests).toHaveLength(1);
  });

  it('delivers over IPv6 to an allowed name that has only an AAAA record', async () => {
    const hook = await receiver('::1');
    const name = nameFor('six');
    dns.set(name, [{ type: 'AAAA', address: '::1' }]);

    const attempt = await sendWebhook(webhook(hook.url('/in', name)), options([name]));

    expect(attempt).toMatchObject({ outcome: 'delivered', address: '::1' });
    expect(hook.requests[0]?.headers.host).toBe(`${name}:${hook.port}`);
  });

  const mixed: [string, TestRecord[], string, string][] = [
    ['A 8.8.8.8 and A 10.0.0.5', [{ type: 'A', address: '8.8.8.8' }, { type: 'A', address: '10.0.0.5' }], '10.0.0.5', 'private'],
    ['A 8.8.8.8 and AAAA ::ffff:169.254.169.254', [{ type: 'A', address: '8.8.8.8' }, { type: 'AAAA', address: '::ffff:169.254.169.254' }], '::ffff:a9fe:a9fe', 'link-local'],
    ['AAAA 2606:4700:4700::1111 and AAAA fd00:ec2::254', [{ type: 'AAAA', address: '2606:4700:4700::1111' }, { type: 'AAAA', address: 'fd00:ec2::254' }], 'fd00:ec2::254', 'link-local'],
  ];

  it.each(mixed)('refuses a name with %s, though its first address is public, and connects nowhere', async (_label, records, refused, reason) => {
    // no connection may even be attempted: the public address must not be contacted from a test
    const connect = vi.spyOn(Socket.prototype, 'connect').mockImplementation(() => {
      throw new Error('a refused webhook must not connect');
    });
    const name = nameFor('mixed');
    dns.set(name, records);

    const attempt = await sendWebhook(webhook(`https://${name}/in`), options());

    expect(attempt).toMatchObject({ outcome: 'refused', address: refused });
    expect(attempt.error).toContain(`is refused: ${reason}`);
    expect(connect).not.toHaveBeenCalled();
  });

  it('refuses a URL whose host is a private IP literal; the receiver sees no connection', async () => {
    const hook = await receiver();

    const attempt = await sendWebhook(webhook(hook.url()), options());

    expect(attempt).toMatchObject({ outcome: 'refused', address: hook.host });
    expect(attempt.error).toBe(`address ${hook.host} is refused: loopback`);
    expect(hook.connections).toBe(0);
  });

  it('refuses plain http unless the configuration allows it', async () => {
    const hook = await receiver();

    const attempt = await sendWebhook(webhook(hook.url()), { ...options([hook.host]), allowHttp: false });

    expect(attempt).toMatchObject({ outcome: 'refused', error: 'the URL must use https' });
    expect(hook.connections).toBe(0);
  });

  it('connects to the address it checked even when the record changes right after resolution (DNS rebinding)', async () => {
    const checked = await receiver();
    const rebound = await receiver();
    const name = nameFor('rebind');
    dns.set(name, [{ type: 'A', address: checked.host }]);
    const rebinding: DnsResolver = {
      ...resolver,
      resolve4: async (host) => {
        const answer = await resolver.resolve4(host);
        dns.set(name, [{ type: 'A', address: rebound.host }]); // the zone changes as soon as Herald has looked
        return answer;
      },
    };

    const attempt = await sendWebhook(webhook(checked.url('/in', name)), { ...options([name]), resolver: rebinding });

    expect(attempt).toMatchObject({ outcome: 'delivered', address: checked.host });
    expect(checked.requests).toHaveLength(1);
    expect(rebound.connections).toBe(0);
    expect(dns.queries.filter((q) => q.name === name && q.type === 'A')).toHaveLength(1);
    expect(await resolver.resolve4(name)).toEqual([rebound.host]);
  });

  it('aborts before sending anything when the socket is connected to another address than the one checked', async () => {
    const checked = await receiver();
    const elsewhere = await receiver();
    const name = nameFor('bypass');
    dns.set(name, [{ type: 'A', address: checked.host }]);
    // simulate the first defence failing: the socket is sent to another address (and that receiver's port)
    const original = Object.getOwnPropertyDescriptor(Socket.prototype, 'connect')?.value as (this: Socket, ...args: unknown[]) => Socket;
    vi.spyOn(Socket.prototype, 'connect').mockImplementation(function (this: Socket, ...args: unknown[]) {
      const [connectOptions, listener] = (Array.isArray(args[0]) ? args[0] : args) as [object, (() => void) | undefined];
      const lookup = (_host: string, opts: { all?: boolean }, cb: (...a: unknown[]) => void) =>
        opts.all ? cb(null, [{ address: elsewhere.host, family: 4 }]) : cb(null, elsewhere.host, 4);
      return original.call(this, { ...connectOptions, port: elsewhere.port, lookup } as never, listener);
    });

    const attempt = await sendWebhook(webhook(checked.url('/in', name)), options([name]));

    expect(attempt).toMatchObject({ outcome: 'refused', address: checked.host });
    expect(attempt.error).toBe(`connected to ${elsewhere.host}, not the checked address ${checked.host}`);
    expect(elsewhere.connections).toBe(1);
    expect(elsewhere.requests).toHaveLength(0);
    expect(checked.connections).toBe(0);
  });
});
