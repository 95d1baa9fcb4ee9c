import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '../../../../test/support/dns-server.ts';
import { randomLoopback, startMxSink, TEST_MX_PORT, type MxSink } from '../../../../test/support/mx-sink.ts';
import { resolveMx } from '../routing/resolve-mx.ts';
import { createResolver } from '../routing/resolver.ts';
import { deliverToHosts } from './deliver-to-hosts.ts';
import { sendTransaction, type TransactionRequest } from './send-transaction.ts';

const clock = () => new Date();

function base(to: string[]): Omit<TransactionRequest, 'mxHost' | 'ip'> {
  const subject = `fall-through ${randomBytes(4).toString('hex')}`;
  return {
    port: TEST_MX_PORT,
    heloName: 'herald-test.local',
    timeouts: { connectMs: 2_000, greetingMs: 2_000, commandMs: 5_000 },
    envelope: { from: 'sender@herald.test', to },
    message: Buffer.from(`From: sender@herald.test\r\nTo: ${to.join(', ')}\r\nSubject: ${subject}\r\n\r\nHello.\r\n`),
  };
}

describe('deliverToHosts', () => {
  let dns: TestDnsServer;
  let sink: MxSink;
  let rejecting: MxSink;

  beforeAll(async () => {
    dns = await startDnsServer();
    sink = await startMxSink();
    rejecting = await startMxSink({ behaviour: { rcpt: () => ({ code: 550, message: '5.1.1 User unknown' }) } });
  });

  afterAll(async () => {
    await Promise.all([dns?.close(), sink?.close(), rejecting?.close()]);
  });

  it('falls through a refusing first MX to the second within one call, and names the second host and address', async () => {
    const domain = `fallthrough-${randomBytes(4).toString('hex')}.test`;
    const refusing = randomLoopback(); // nothing listens there
    dns.set(domain, [
      { type: 'MX', preference: 10, exchange: `mx1.${domain}` },
      { type: 'MX', preference: 20, exchange: `mx2.${domain}` },
    ]);
    dns.set(`mx1.${domain}`, [{ type: 'A', address: refusing }]);
    dns.set(`mx2.${domain}`, [{ type: 'A', address: sink.host }]);
    const route = await resolveMx(createResolver({ servers: [dns.address], timeoutMs: 1_000, tries: 1 }), domain);
    if (!route.ok) throw new Error(route.reply.text);
    expect(route.hosts.map((h) => h.name)).toEqual([`mx1.${domain}`, `mx2.${domain}`]);
    const request = base([`bob@${domain}`]);
    const before = sink.received.length;

    const attempt = await deliverToHosts(sendTransaction, route.hosts, request, clock);

    expect(attempt.mxHost).toBe(`mx2.${domain}`);
    expect(attempt.mxIp).toBe(sink.host);
    expect(attempt.result.kind).toBe('session');
    expect(attempt.result.kind === 'session' ? attempt.result.replies.get(`bob@${domain}`)?.code : 0).toBe(250);
    const arrived = sink.received.slice(before);
    expect(arrived.map((m) => m.rcptTo)).toEqual([[`bob@${domain}`]]);
    expect(arrived[0]?.raw.equals(request.message)).toBe(true);
  });

  it('tries the next address of the same host before moving to the next host', async () => {
    const hosts = [
      { name: 'mx1.multi.test', preference: 10, addresses: [randomLoopback(), sink.host] },
      { name: 'mx2.multi.test', preference: 20, addresses: [rejecting.host] },
    ];

    const attempt = await deliverToHosts(sendTransaction, hosts, base(['bob@multi.test']), clock);

    expect(attempt).toMatchObject({ mxHost: 'mx1.multi.test', mxIp: sink.host, result: { kind: 'session' } });
  });

  it("stops at the first server that answers, even when its answer is a rejection", async () => {
    const hosts = [
      { name: 'mx1.strict.test', preference: 10, addresses: [rejecting.host] },
      { name: 'mx2.strict.test', preference: 20, addresses: [sink.host] },
    ];
    const before = sink.received.length;

    const attempt = await deliverToHosts(sendTransaction, hosts, base(['bob@strict.test']), clock);

    expect(attempt.mxHost).toBe('mx1.strict.test');
    expect(attempt.result.kind === 'session' ? attempt.result.replies.get('bob@strict.test') : null).toMatchObject({ code: 550, enhanced: '5.1.1' });
    expect(sink.received.length).toBe(before);
  });

  it('reports no session with a 4xx reply, naming the last host tried, when every host refuses', async () => {
    const lastIp = randomLoopback();
    const hosts = [
      { name: 'mx1.down.test', preference: 10, addresses: [randomLoopback()] },
      { name: 'mx2.down.test', preference: 20, addresses: [lastIp] },
    ];

    const attempt = await deliverToHosts(sendTransaction, hosts, base(['bob@down.test']), clock);

    expect(attempt).toMatchObject({ mxHost: 'mx2.down.test', mxIp: lastIp, result: { kind: 'no-session' } });
    expect(attempt.result.kind === 'no-session' ? attempt.result.reply.code : 0).toBe(451);
  });

  it('reports no session with 4.4.1, and no host, when there is no host to try', async () => {
    const attempt = await deliverToHosts(sendTransaction, [], base(['bob@nowhere.test']), clock);

    expect(attempt).toMatchObject({ mxHost: null, mxIp: null, result: { kind: 'no-session', reply: { code: 451, enhanced: '4.4.1' } } });
  });
});
