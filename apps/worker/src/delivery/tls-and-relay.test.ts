import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seal } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { startPolicyServer, type TestPolicyServer } from '@herald/test/support/https-policy-server.ts';
import { startMxSink, TEST_MX_PORT, type MxSink } from '@herald/test/support/mx-sink.ts';
import { createTestCa } from '@herald/test/support/test-ca.ts';
import { createPolicyFetcher } from '../tls-policy/fetch-policy.ts';
import { createMtaSts } from '../tls-policy/mta-sts.ts';
import { createRedisPolicyCache } from '../tls-policy/policy-cache.ts';

const ca = createTestCa();
const STS_DOMAINS = ['sts-ok.test', 'sts-strip.test', 'sts-mismatch.test'];

describe('MTA-STS enforce and relay mode', () => {
  let h: DeliveryHarness;
  let policyServer: TestPolicyServer;
  let verified: MxSink;
  let stripped: MxSink;
  let rogue: MxSink;
  let relay: MxSink;
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('sts');

  beforeAll(async () => {
    h = await startDeliveryHarness('tls');
    verified = await startMxSink({ behaviour: { tls: ca.issue(['mx1.sts-ok.test']) } });
    stripped = await startMxSink({ behaviour: { starttls: false } });
    rogue = await startMxSink({ behaviour: { tls: ca.issue(['mx.rogue.test']) } });
    relay = await startMxSink({ behaviour: { tls: ca.issue(['relay.herald.test']), auth: { user: 'relayuser', pass: 's3cret' } } });
    policyServer = await startPolicyServer({
      certificate: ca.issue(STS_DOMAINS.map((d) => `mta-sts.${d}`)),
      response: { body: 'version: STSv1\nmode: enforce\nmx: mx1.sts-ok.test\nmx: mx1.sts-strip.test\nmx: mx1.sts-mismatch.test\nmax_age: 86400\n' },
    });
    for (const domain of STS_DOMAINS) {
      h.dns.set(`_mta-sts.${domain}`, [{ type: 'TXT', value: 'v=STSv1; id=20261128' }]);
      h.dns.set(`mta-sts.${domain}`, [{ type: 'A', address: policyServer.host }]);
    }
    h.routeDomain('sts-ok.test', verified.host);
    h.routeDomain('sts-strip.test', stripped.host);
    h.dns.set('sts-mismatch.test', [{ type: 'MX', preference: 10, exchange: 'mx.rogue.test' }]);
    h.dns.set('mx.rogue.test', [{ type: 'A', address: rogue.host }]);
    h.dns.set('relay.herald.test', [{ type: 'A', address: relay.host }]);
    h.deps.smtp = { ...h.deps.smtp, ca: ca.certPem };
    h.deps.tlsPolicy = createMtaSts({
      resolver: h.deps.resolver,
      fetch: createPolicyFetcher({ resolver: h.deps.resolver, port: policyServer.port, extraCa: ca.certPem }),
      cache: createRedisPolicyCache(redis, prefix),
      clock: () => h.now,
      log: h.deps.log,
    });
  });
  afterAll(async () => {
    await h.close();
    await Promise.all([verified, stripped, rogue, relay].map((s) => s?.close()));
    await policyServer?.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const outcome = async (id: string) => {
    const event = await h.db.event.findFirst({ where: { messageId: id, NOT: { type: 'queued' } } });
    return { type: event?.type, enhanced: event?.enhancedCode, verified: event?.tlsVerified ?? null, host: event?.mxHost ?? null };
  };

  it('delivers to a domain whose enforce policy names its MX, over TLS with a verified certificate', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@sts-ok.test' }] });
    await h.deliver(jobs[0] as never);
    expect(await outcome(id)).toEqual({ type: 'delivered', enhanced: '2.0.0', verified: true, host: 'mx1.sts-ok.test' });
    expect(verified.received.at(-1)?.secure).toBe(true);
  });

  it('never delivers in clear text to an enforce domain whose MX does not offer STARTTLS', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@sts-strip.test' }] });
    await h.deliver(jobs[0] as never);
    expect(await outcome(id)).toMatchObject({ type: 'deferred', enhanced: '4.7.5' });
    expect(stripped.received).toHaveLength(0);
  });

  it('never delivers to an MX outside an enforce policy, and does not even connect to it', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@sts-mismatch.test' }] });
    await h.deliver(jobs[0] as never);
    expect(await outcome(id)).toEqual({ type: 'deferred', enhanced: '4.7.5', verified: null, host: null });
    expect(rogue.connections).toBe(0);
  });

  it("relays a project's mail through its smart host with AUTH over verified TLS, not to the MX", async () => {
    const url = `smtp://relayuser:s3cret@relay.herald.test:${TEST_MX_PORT}`;
    await h.db.project.update({ where: { id: h.projectId }, data: { relayUrlEncrypted: seal(url, h.deps.masterKey) } });
    try {
      const { id, jobs } = await h.accept({ to: [{ email: 'ann@sts-ok.test' }] });
      const atMx = verified.received.length;
      await h.deliver(jobs[0] as never);
      expect(await outcome(id)).toEqual({ type: 'delivered', enhanced: '2.0.0', verified: true, host: 'relay.herald.test' });
      expect(relay.received.at(-1)).toMatchObject({ user: 'relayuser', secure: true, rcptTo: ['ann@sts-ok.test'] });
      expect(verified.received.length).toBe(atMx);
    } finally {
      await h.db.project.update({ where: { id: h.projectId }, data: { relayUrlEncrypted: null } });
    }
  });

  it('defers, never bounces, when the relay refuses the credentials (configured for all mail)', async () => {
    h.deps.relay = { host: 'relay.herald.test', port: TEST_MX_PORT, implicitTls: false, auth: { user: 'relayuser', pass: 'wrong' } };
    try {
      const { id, jobs } = await h.accept({ to: [{ email: 'bob@elsewhere.test' }] });
      await h.deliver(jobs[0] as never);
      expect(await outcome(id)).toMatchObject({ type: 'deferred', enhanced: '4.7.8' });
    } finally {
      h.deps.relay = null;
    }
  });
});
