import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { resolveMx, type MxRoute } from './resolve-mx.ts';
import { createResolver, type DnsResolver } from '@herald/core';

/** A domain no other test in this file uses, so zone changes never leak between tests. */
function domainFor(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}.test`;
}

/** A `random` that returns the given values in turn (then repeats the last). */
function sequence(...values: number[]): () => number {
  let i = 0;
  return () => values[Math.min(i++, values.length - 1)] as number;
}

function hostNames(route: MxRoute): string[] {
  if (!route.ok) throw new Error(`expected hosts, got ${route.action}: ${route.reply.text}`);
  return route.hosts.map((h) => h.name);
}

describe('resolveMx against a real DNS server', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = createResolver({ servers: [dns.address], timeoutMs: 1_000, tries: 1 });
  });

  afterAll(async () => {
    await dns?.close();
  });

  it('returns the MX hosts in preference order with their addresses, whatever order DNS lists them in', async () => {
    const domain = domainFor('order');
    dns.set(domain, [
      { type: 'MX', preference: 30, exchange: `mx3.${domain}` },
      { type: 'MX', preference: 10, exchange: `mx1.${domain}` },
      { type: 'MX', preference: 20, exchange: `mx2.${domain}` },
    ]);
    dns.set(`mx1.${domain}`, [{ type: 'A', address: '127.0.1.1' }]);
    dns.set(`mx2.${domain}`, [{ type: 'A', address: '127.0.1.2' }, { type: 'AAAA', address: '::1' }]);
    dns.set(`mx3.${domain}`, [{ type: 'A', address: '127.0.1.3' }]);

    // random keys that would reverse the order if they, rather than the preference, decided it
    const route = await resolveMx(resolver, domain, sequence(0.9, 0.5, 0.1));

    expect(route).toEqual({
      ok: true,
      hosts: [
        { name: `mx1.${domain}`, preference: 10, addresses: ['127.0.1.1'] },
        { name: `mx2.${domain}`, preference: 20, addresses: ['127.0.1.2', '::1'] },
        { name: `mx3.${domain}`, preference: 30, addresses: ['127.0.1.3'] },
      ],
    });
  });

  it('shuffles MX hosts of equal preference, so both orders occur, and keeps them ahead of less preferred hosts', async () => {
    const domain = domainFor('shuffle');
    dns.set(domain, [
      { type: 'MX', preference: 10, exchange: `a.${domain}` },
      { type: 'MX', preference: 10, exchange: `b.${domain}` },
      { type: 'MX', preference: 20, exchange: `backup.${domain}` },
    ]);
    for (const [host, ip] of [['a', '127.0.2.1'], ['b', '127.0.2.2'], ['backup', '127.0.2.3']] as const) {
      dns.set(`${host}.${domain}`, [{ type: 'A', address: ip }]);
    }

    const first = hostNames(await resolveMx(resolver, domain, sequence(0.1, 0.9, 0.5)));
    const second = hostNames(await resolveMx(resolver, domain, sequence(0.9, 0.1, 0.5)));

    expect(new Set([first.slice(0, 2).join(','), second.slice(0, 2).join(',')])).toEqual(
      new Set([`a.${domain},b.${domain}`, `b.${domain},a.${domain}`]),
    );
    expect(first[2]).toBe(`backup.${domain}`);
    expect(second[2]).toBe(`backup.${domain}`);
  });

  it('uses the domain itself as the implicit MX when it has an A record but no MX', async () => {
    const domain = domainFor('implicit');
    dns.set(domain, [{ type: 'A', address: '127.0.3.1' }]);

    const route = await resolveMx(resolver, domain);

    expect(route).toEqual({ ok: true, hosts: [{ name: domain, preference: 0, addresses: ['127.0.3.1'] }] });
  });

  it('bounces a null MX ("0 .") with 5.1.10 without looking up any address', async () => {
    const domain = domainFor('nullmx');
    // dns-packet encodes "." as the root name; Node's resolver reports that exchange as ''
    dns.set(domain, [{ type: 'MX', preference: 0, exchange: '.' }, { type: 'A', address: '127.0.4.1' }]);
    const before = dns.queries.length;

    const route = await resolveMx(resolver, domain);

    expect(route).toMatchObject({ ok: false, action: 'bounced', category: 'dns', reply: { code: 550, enhanced: '5.1.10' } });
    const asked = dns.queries.slice(before);
    expect(asked).toEqual([{ name: domain, type: 'MX' }]);
  });

  it('bounces a domain that does not exist (NXDOMAIN) with 5.1.2', async () => {
    const route = await resolveMx(resolver, domainFor('nxdomain'));

    expect(route).toMatchObject({ ok: false, action: 'bounced', category: 'dns', reply: { code: 550, enhanced: '5.1.2' } });
  });

  it('bounces a domain that exists but has neither MX nor address records', async () => {
    const domain = domainFor('empty');
    dns.set(domain, [{ type: 'TXT', value: 'v=spf1 -all' }]);

    const route = await resolveMx(resolver, domain);

    expect(route).toMatchObject({ ok: false, action: 'bounced', reply: { code: 550, enhanced: '5.1.2' } });
  });

  it('defers with 4.4.3 when the MX lookup answers SERVFAIL', async () => {
    const domain = domainFor('servfail');
    dns.set(domain, [{ type: 'MX', preference: 10, exchange: `mx.${domain}` }]);
    dns.failWith(domain, 'servfail');

    const route = await resolveMx(resolver, domain);

    expect(route).toMatchObject({ ok: false, action: 'deferred', category: 'dns', reply: { code: 451, enhanced: '4.4.3' } });
    expect(route.ok ? '' : route.reply.text).toContain('ESERVFAIL');
  });

  it('defers with 4.4.3 when the DNS server does not answer in time', async () => {
    const domain = domainFor('timeout');
    dns.set(domain, [{ type: 'MX', preference: 10, exchange: `mx.${domain}` }]);
    dns.failWith(domain, 'timeout');
    const impatient = createResolver({ servers: [dns.address], timeoutMs: 200, tries: 1 });

    const started = Date.now();
    const route = await resolveMx(impatient, domain);

    expect(route).toMatchObject({ ok: false, action: 'deferred', category: 'dns', reply: { code: 451, enhanced: '4.4.3' } });
    expect(route.ok ? '' : route.reply.text).toContain('ETIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('skips an MX host whose name does not resolve and keeps the next one', async () => {
    const domain = domainFor('dangling');
    dns.set(domain, [
      { type: 'MX', preference: 10, exchange: `gone.${domain}` },
      { type: 'MX', preference: 20, exchange: `mx2.${domain}` },
    ]);
    dns.set(`mx2.${domain}`, [{ type: 'A', address: '127.0.5.2' }]);

    const route = await resolveMx(resolver, domain);

    expect(route).toEqual({ ok: true, hosts: [{ name: `mx2.${domain}`, preference: 20, addresses: ['127.0.5.2'] }] });
  });

  it('defers when no MX host has an address, rather than bouncing', async () => {
    const domain = domainFor('noaddr');
    dns.set(domain, [{ type: 'MX', preference: 10, exchange: `gone.${domain}` }]);

    const route = await resolveMx(resolver, domain);

    expect(route).toMatchObject({ ok: false, action: 'deferred', reply: { code: 451, enhanced: '4.4.3' } });
  });

  it('defers, rather than bouncing, a domain without MX whose address lookups fail temporarily', async () => {
    // The test server fails a name for every type, so the address questions about this domain are
    // asked of a second name that answers SERVFAIL: the MX question still gets the real NODATA.
    const domain = domainFor('implicit-servfail');
    dns.set(domain, [{ type: 'TXT', value: 'no mx here' }]);
    dns.set(`broken.${domain}`, [{ type: 'A', address: '127.0.6.1' }]);
    dns.failWith(`broken.${domain}`, 'servfail');
    const split: DnsResolver = {
      resolveMx: (name) => resolver.resolveMx(name),
      resolve4: (name) => resolver.resolve4(name === domain ? `broken.${domain}` : name),
      resolve6: (name) => resolver.resolve6(name === domain ? `broken.${domain}` : name),
      resolveTxt: (name) => resolver.resolveTxt(name),
    };

    const route = await resolveMx(split, domain);

    expect(route).toMatchObject({ ok: false, action: 'deferred', category: 'dns', reply: { code: 451, enhanced: '4.4.3' } });
  });
});
