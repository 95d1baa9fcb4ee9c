import { randomBytes } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import { createLogger, createRedis } from '@herald/core';
import type { RedisClient } from '@herald/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { startPolicyServer, type TestPolicyServer } from '@herald/test/support/https-policy-server.ts';
import { createTestCa, type TestCa } from '@herald/test/support/test-ca.ts';
import type { DnsResolver } from '@herald/core';
import { createPolicyFetcher, type FetchPolicy } from './fetch-policy.ts';
import { createMtaSts, type MtaSts } from './mta-sts.ts';
import { createRedisPolicyCache, type PolicyCache } from './policy-cache.ts';

const policyText = (mode: string, maxAge = 86400) => `version: STSv1\nmode: ${mode}\nmx: *.mx.example\nmax_age: ${maxAge}\n`;

/** Node's own (c-ares) resolver asking the test DNS server: the DnsResolver contract, nothing cached. */
function loopbackResolver(server: string): DnsResolver {
  const resolver = new dnsPromises.Resolver({ timeout: 1_000, tries: 1 });
  resolver.setServers([server]);
  return {
    resolveMx: (name) => resolver.resolveMx(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
    resolveTxt: (name) => resolver.resolveTxt(name),
  };
}

describe('MTA-STS policy discovery against real DNS, HTTPS policy hosts and a Redis cache', () => {
  const prefix = uniquePrefix('mta-sts');
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let ca: TestCa;
  let redis: RedisClient;
  let cache: PolicyCache;
  const servers: TestPolicyServer[] = [];
  const log = createLogger('mta-sts-test', 'silent');

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = loopbackResolver(dns.address);
    ca = createTestCa();
    redis = createRedis(TEST_REDIS_URL);
    cache = createRedisPolicyCache(redis, prefix);
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    await redis.quit();
    await Promise.all(servers.map((s) => s.close()));
    await dns?.close();
  });

  /**
   * A domain publishing `_mta-sts` TXT id `id` and serving `policy` from its own HTTPS policy host,
   * with a clock tests can move and a way to make more MtaSts instances (other worker processes)
   * sharing the same Redis cache.
   */
  async function publish(policy: string, id = 'v1') {
    const domain = `sts-${randomBytes(4).toString('hex')}.test`;
    const server = await startPolicyServer({ certificate: ca.issue([`mta-sts.${domain}`]), response: { body: policy } });
    servers.push(server);
    dns.set(`mta-sts.${domain}`, [{ type: 'A', address: server.host }]);
    dns.set(`_mta-sts.${domain}`, [{ type: 'TXT', value: `v=STSv1; id=${id}` }]);
    const clock = { now: Date.now() };
    const fetch = createPolicyFetcher({ resolver, port: server.port, extraCa: ca.certPem, timeoutMs: 2_000 });
    const worker = (): MtaSts => createMtaSts({ resolver, fetch, cache, clock: () => new Date(clock.now), log });
    return { domain, server, clock, worker, setId: (next: string) => dns.set(`_mta-sts.${domain}`, [{ type: 'TXT', value: `v=STSv1; id=${next}` }]) };
  }

  it('fetches the policy on first lookup and keeps it in Redis under the prefix for max_age', async () => {
    const { domain, server, worker } = await publish(policyText('enforce', 3600));

    const lookup = await worker().policyFor(domain);

    expect(lookup).toEqual({ policy: { version: 'STSv1', mode: 'enforce', mx: ['*.mx.example'], maxAge: 3600 }, source: 'fetched' });
    expect(server.requests).toHaveLength(1);
    const ttl = await redis.ttl(`${prefix}:${domain}`);
    expect(ttl).toBeGreaterThan(3590);
    expect(ttl).toBeLessThanOrEqual(3600);
  });

  it('answers a second lookup with the same id from the cache without fetching, also in another worker', async () => {
    const { domain, server, worker } = await publish(policyText('enforce'));
    const first = worker();
    await first.policyFor(domain);

    const again = await first.policyFor(domain);
    const elsewhere = await worker().policyFor(domain.toUpperCase());

    expect(again).toMatchObject({ source: 'cache', policy: { mode: 'enforce' } });
    expect(elsewhere).toMatchObject({ source: 'cache', policy: { mode: 'enforce' } });
    expect(server.requests).toHaveLength(1);
  });

  it('fetches again when the TXT record id changes, and caches the new policy', async () => {
    const { domain, server, worker, setId } = await publish(policyText('testing'), 'old');
    const mtaSts = worker();
    await mtaSts.policyFor(domain);

    server.respond({ body: policyText('enforce') });
    setId('new');
    const changed = await mtaSts.policyFor(domain);
    const after = await mtaSts.policyFor(domain);

    expect(changed).toMatchObject({ source: 'fetched', policy: { mode: 'enforce' } });
    expect(after).toMatchObject({ source: 'cache', policy: { mode: 'enforce' } });
    expect(server.requests).toHaveLength(2);
  });

  it('fetches again once the cached policy has outlived its max_age, even with the same id', async () => {
    const { domain, server, worker, clock } = await publish(policyText('enforce', 600));
    const mtaSts = worker();
    await mtaSts.policyFor(domain);

    clock.now += 599_000;
    expect(await mtaSts.policyFor(domain)).toMatchObject({ source: 'cache' });
    clock.now += 2_000;
    expect(await mtaSts.policyFor(domain)).toMatchObject({ source: 'fetched', policy: { mode: 'enforce' } });
    expect(server.requests).toHaveLength(2);
  });

  it('keeps using the cached policy when fetching a changed policy fails, saying why, and retries next time', async () => {
    const { domain, server, worker, setId } = await publish(policyText('enforce'), 'one');
    const mtaSts = worker();
    await mtaSts.policyFor(domain);

    server.respond({ status: 500, body: 'oops' });
    setId('two');
    const lookup = await mtaSts.policyFor(domain);

    expect(lookup.source).toBe('cache');
    expect(lookup.policy?.mode).toBe('enforce');
    expect(lookup.problem).toMatch(/^policy fetch failed: .*answered HTTP 500/);
    await mtaSts.policyFor(domain);
    expect(server.requests).toHaveLength(3);
  });

  it('has no policy, with the reason, when the fetch fails and nothing is cached', async () => {
    const { domain, worker } = await publish('mode: enforce\n');

    const lookup = await worker().policyFor(domain);

    expect(lookup).toEqual({ policy: null, source: 'none', problem: expect.stringMatching(/invalid policy .*missing version/) as unknown });
    expect(await redis.exists(`${prefix}:${domain}`)).toBe(0);
  });

  it('has no policy and fetches nothing for a domain without a TXT record and without a cached policy', async () => {
    let fetches = 0;
    const fetch: FetchPolicy = async () => {
      fetches++;
      return { ok: false, reason: 'should not be called' };
    };
    const domain = `plain-${randomBytes(4).toString('hex')}.test`;
    dns.set(domain, [{ type: 'MX', preference: 10, exchange: `mx.${domain}` }]);
    const mtaSts = createMtaSts({ resolver, fetch, cache, clock: () => new Date(), log });

    expect(await mtaSts.policyFor(domain)).toEqual({ policy: null, source: 'none' });
    expect(await mtaSts.policyFor(`nxdomain-${randomBytes(4).toString('hex')}.test`)).toEqual({ policy: null, source: 'none' });
    expect(fetches).toBe(0);
  });

  it('keeps applying an unexpired cached policy when the TXT record disappears, until max_age has passed', async () => {
    const { domain, worker, clock } = await publish(policyText('enforce', 600));
    const mtaSts = worker();
    await mtaSts.policyFor(domain);

    dns.remove(`_mta-sts.${domain}`);
    expect(await mtaSts.policyFor(domain)).toMatchObject({ source: 'cache', policy: { mode: 'enforce' } });
    clock.now += 601_000;
    expect(await mtaSts.policyFor(domain)).toEqual({ policy: null, source: 'none' });
  });

  it('falls back to the cache when the TXT lookup fails, and to no policy without one, reporting the failure', async () => {
    const { domain, server, worker } = await publish(policyText('enforce'));
    await worker().policyFor(domain);
    dns.failWith(`_mta-sts.${domain}`, 'servfail');

    const cached = await worker().policyFor(domain);
    const unknown = `servfail-${randomBytes(4).toString('hex')}.test`;
    dns.set(unknown, [{ type: 'A', address: '192.0.2.1' }]);
    dns.failWith(`_mta-sts.${unknown}`, 'servfail');
    const none = await worker().policyFor(unknown);

    expect(cached).toMatchObject({ source: 'cache', policy: { mode: 'enforce' }, problem: expect.stringMatching(/TXT lookup .* failed \(ESERVFAIL\)/) as unknown });
    expect(none).toEqual({ policy: null, source: 'none', problem: expect.stringMatching(/ESERVFAIL/) as unknown });
    expect(server.requests).toHaveLength(1);
  });

  it('treats two v=STSv1 TXT records as no policy, without fetching', async () => {
    const { domain, server, worker } = await publish(policyText('enforce'));
    dns.add(`_mta-sts.${domain}`, { type: 'TXT', value: 'v=STSv1; id=other' });

    const lookup = await worker().policyFor(domain);

    expect(lookup).toEqual({ policy: null, source: 'none', problem: expect.stringMatching(/2 v=STSv1 TXT records/) as unknown });
    expect(server.requests).toEqual([]);
  });

  it('shares one fetch between concurrent lookups of the same domain', async () => {
    const { domain, server, worker } = await publish(policyText('enforce'));
    const mtaSts = worker();

    const lookups = await Promise.all([mtaSts.policyFor(domain), mtaSts.policyFor(domain), mtaSts.policyFor(`${domain}.`)]);

    expect(lookups.map((l) => l.source)).toEqual(['fetched', 'fetched', 'fetched']);
    expect(server.requests).toHaveLength(1);
  });

  it('still fetches and answers when the cache cannot be reached', async () => {
    const { domain, server } = await publish(policyText('enforce'));
    const broken: PolicyCache = {
      get: () => Promise.reject(new Error('connection is closed')),
      set: () => Promise.reject(new Error('connection is closed')),
    };
    const fetch = createPolicyFetcher({ resolver, port: server.port, extraCa: ca.certPem });
    const mtaSts = createMtaSts({ resolver, fetch, cache: broken, clock: () => new Date(), log });

    expect(await mtaSts.policyFor(domain)).toMatchObject({ source: 'fetched', policy: { mode: 'enforce' } });
  });
});
