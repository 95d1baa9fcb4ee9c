import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { createCachingResolver, type CachingResolverOptions } from './cached-resolver.ts';
import { createDnsClient } from './dns-client.ts';
import type { DnsResolver } from './resolver.ts';

/** A name no other test in this file uses, so zone changes never leak between tests. */
function nameFor(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}.test`;
}

async function rejection(promise: Promise<unknown>): Promise<{ code?: string; syscall?: string; hostname?: string; message?: string }> {
  return promise.then(
    () => ({ code: 'resolved' }),
    (err: unknown) => err as { code?: string },
  );
}

describe('the caching resolver against a real DNS server', () => {
  let dns: TestDnsServer;
  let now = 1_700_000_000_000;
  const clock = () => now;
  /** How many times the server was asked about `name`. */
  const asked = (name: string) => dns.queries.filter((q) => q.name === name).length;

  function resolverWith(options: CachingResolverOptions = {}, timeoutMs = 1_000): DnsResolver {
    return createCachingResolver(createDnsClient({ servers: [dns.address], timeoutMs, tries: 1 }), { clock, ...options });
  }

  beforeAll(async () => {
    dns = await startDnsServer();
  });

  afterEach(() => {
    dns.setSoa(null);
  });

  afterAll(async () => {
    await dns?.close();
  });

  it('answers MX with exchanges without the trailing dot, and a null MX ("0 .") as the exchange ""', async () => {
    const name = nameFor('mx');
    dns.set(name, [{ type: 'MX', preference: 10, exchange: `mx1.${name}.` }]);
    dns.set(`null.${name}`, [{ type: 'MX', preference: 0, exchange: '.' }]);
    const resolver = resolverWith();

    expect(await resolver.resolveMx(name)).toEqual([{ exchange: `mx1.${name}`, priority: 10 }]);
    expect(await resolver.resolveMx(`null.${name}`)).toEqual([{ exchange: '', priority: 0 }]);
  });

  it("answers A, AAAA and TXT as Node's resolver does, each TXT record as its character-strings", async () => {
    const name = nameFor('shapes');
    dns.set(name, [
      { type: 'A', address: '127.0.0.21' },
      { type: 'A', address: '127.0.0.22' },
      { type: 'AAAA', address: '2001:db8::21' },
      { type: 'TXT', value: ['v=STSv1; ', 'id=20240101'] },
      { type: 'TXT', value: 'x'.repeat(300) },
    ]);
    const resolver = resolverWith();

    expect(await resolver.resolve4(name)).toEqual(['127.0.0.21', '127.0.0.22']);
    expect(await resolver.resolve6(name)).toEqual(['2001:db8::21']);
    expect(await resolver.resolveTxt(name)).toEqual([['v=STSv1; ', 'id=20240101'], ['x'.repeat(255), 'x'.repeat(45)]]);
  });

  it("rejects NXDOMAIN with ENOTFOUND, NODATA with ENODATA and SERVFAIL with ESERVFAIL, shaped like Node's errors", async () => {
    const name = nameFor('errors');
    dns.set(name, [{ type: 'TXT', value: 'no mx' }]);
    dns.set(`broken.${name}`, [{ type: 'MX', preference: 1, exchange: `mx.${name}` }]);
    dns.failWith(`broken.${name}`, 'servfail');
    const resolver = resolverWith();

    const nxdomain = await rejection(resolver.resolveMx(`missing.${name}`));
    expect(nxdomain).toMatchObject({ code: 'ENOTFOUND', syscall: 'queryMx', hostname: `missing.${name}` });
    expect(nxdomain.message).toBe(`queryMx ENOTFOUND missing.${name}`);
    expect(await rejection(resolver.resolve4(name))).toMatchObject({ code: 'ENODATA', syscall: 'queryA' });
    expect(await rejection(resolver.resolveMx(`broken.${name}`))).toMatchObject({ code: 'ESERVFAIL', syscall: 'queryMx' });
  });

  it('rejects with ETIMEOUT when the server does not answer, and asks again next time', async () => {
    const name = nameFor('timeout');
    dns.failWith(name, 'timeout');
    const resolver = resolverWith({}, 150);

    expect(await rejection(resolver.resolve4(name))).toMatchObject({ code: 'ETIMEOUT', syscall: 'queryA' });
    expect(await rejection(resolver.resolve4(name))).toMatchObject({ code: 'ETIMEOUT' });
    expect(asked(name)).toBe(2);
  });

  it('answers a second identical question within the TTL from the cache, and asks again once the TTL has passed', async () => {
    const name = nameFor('ttl');
    dns.set(name, [{ type: 'MX', preference: 10, exchange: `mx.${name}`, ttl: 30 }]);
    const resolver = resolverWith();

    await resolver.resolveMx(name);
    now += 29_000;
    dns.set(name, [{ type: 'MX', preference: 20, exchange: `new.${name}`, ttl: 30 }]);
    // names differ in case and trailing dot only: the same question
    expect(await resolver.resolveMx(`${name.toUpperCase()}.`)).toEqual([{ exchange: `mx.${name}`, priority: 10 }]);
    expect(asked(name)).toBe(1);

    now += 1_000;
    expect(await resolver.resolveMx(name)).toEqual([{ exchange: `new.${name}`, priority: 20 }]);
    expect(asked(name)).toBe(2);
  });

  it('keeps an answer set only as long as its shortest TTL', async () => {
    const name = nameFor('min-ttl');
    dns.set(name, [{ type: 'A', address: '127.0.0.31', ttl: 300 }, { type: 'A', address: '127.0.0.32', ttl: 20 }]);
    const resolver = resolverWith();

    await resolver.resolve4(name);
    now += 19_000;
    await resolver.resolve4(name);
    expect(asked(name)).toBe(1);
    now += 1_000;
    await resolver.resolve4(name);
    expect(asked(name)).toBe(2);
  });

  it('does not cache an answer whose TTL is 0', async () => {
    const name = nameFor('ttl0');
    dns.set(name, [{ type: 'TXT', value: 'fresh', ttl: 0 }]);
    const resolver = resolverWith();

    expect(await resolver.resolveTxt(name)).toEqual([['fresh']]);
    expect(await resolver.resolveTxt(name)).toEqual([['fresh']]);
    expect(asked(name)).toBe(2);
  });

  it('caches NXDOMAIN and NODATA for the negative TTL of the SOA, then asks again', async () => {
    const name = nameFor('negative');
    dns.set(name, [{ type: 'TXT', value: 'no addresses yet' }]);
    dns.setSoa({ ttl: 3600, minimum: 45 });
    const resolver = resolverWith();

    expect(await rejection(resolver.resolveMx(`new.${name}`))).toMatchObject({ code: 'ENOTFOUND' });
    expect(await rejection(resolver.resolve4(name))).toMatchObject({ code: 'ENODATA' });
    dns.set(`new.${name}`, [{ type: 'MX', preference: 10, exchange: `mx.${name}` }]);
    dns.add(name, { type: 'A', address: '127.0.0.41' });
    now += 44_000;
    expect(await rejection(resolver.resolveMx(`new.${name}`))).toMatchObject({ code: 'ENOTFOUND' });
    expect(await rejection(resolver.resolve4(name))).toMatchObject({ code: 'ENODATA' });
    expect(asked(`new.${name}`) + asked(name)).toBe(2);

    now += 1_000;
    expect(await resolver.resolveMx(`new.${name}`)).toEqual([{ exchange: `mx.${name}`, priority: 10 }]);
    expect(await resolver.resolve4(name)).toEqual(['127.0.0.41']);
    expect(asked(`new.${name}`) + asked(name)).toBe(4);
  });

  it('caches a negative answer without an SOA for the default negative TTL, and one with a long SOA TTL no longer than the cap', async () => {
    const name = nameFor('negative-default');
    const resolver = resolverWith({ negativeTtlMs: { default: 10_000, max: 20_000 } });

    await rejection(resolver.resolve4(name));
    now += 9_000;
    await rejection(resolver.resolve4(name));
    expect(asked(name)).toBe(1);
    now += 1_000;
    await rejection(resolver.resolve4(name));
    expect(asked(name)).toBe(2);

    const capped = nameFor('negative-capped');
    dns.setSoa({ ttl: 86_400, minimum: 86_400 });
    await rejection(resolver.resolve4(capped));
    now += 19_000;
    await rejection(resolver.resolve4(capped));
    expect(asked(capped)).toBe(1);
    now += 1_000;
    await rejection(resolver.resolve4(capped));
    expect(asked(capped)).toBe(2);
  });

  it('never caches SERVFAIL: the next question is asked again and gets the recovered answer', async () => {
    const name = nameFor('servfail');
    dns.set(name, [{ type: 'A', address: '127.0.0.51' }]);
    dns.failWith(name, 'servfail');
    const resolver = resolverWith();

    expect(await rejection(resolver.resolve4(name))).toMatchObject({ code: 'ESERVFAIL' });
    dns.failWith(name, null);

    expect(await resolver.resolve4(name)).toEqual(['127.0.0.51']);
    expect(asked(name)).toBe(2);
  });

  it('sends one query for concurrent identical questions, answered or failed', async () => {
    const name = nameFor('concurrent');
    dns.set(name, [{ type: 'A', address: '127.0.0.61' }]);
    dns.set(`broken.${name}`, [{ type: 'A', address: '127.0.0.62' }]);
    dns.failWith(`broken.${name}`, 'servfail');
    const resolver = resolverWith();

    const answers = await Promise.all(Array.from({ length: 5 }, () => resolver.resolve4(name)));
    const failures = await Promise.all(Array.from({ length: 5 }, () => rejection(resolver.resolve4(`broken.${name}`))));

    expect(answers).toEqual(Array.from({ length: 5 }, () => ['127.0.0.61']));
    expect(failures.map((f) => f.code)).toEqual(Array.from({ length: 5 }, () => 'ESERVFAIL'));
    expect(asked(name)).toBe(1);
    expect(asked(`broken.${name}`)).toBe(1);
  });

  it('evicts the least recently used answer when it holds maxEntries answers', async () => {
    const [a, b, c] = [nameFor('lru-a'), nameFor('lru-b'), nameFor('lru-c')];
    for (const name of [a, b, c]) dns.set(name, [{ type: 'A', address: '127.0.0.71' }]);
    const resolver = resolverWith({ maxEntries: 2 });

    await resolver.resolve4(a);
    await resolver.resolve4(b);
    await resolver.resolve4(a); // a is now the most recently used
    await resolver.resolve4(c); // evicts b
    await resolver.resolve4(a);
    await resolver.resolve4(b);

    expect([asked(a), asked(b), asked(c)]).toEqual([1, 2, 1]);
  });

  it('hands each caller its own copy, so changing an answer does not change what the cache holds', async () => {
    const name = nameFor('copies');
    dns.set(name, [{ type: 'MX', preference: 10, exchange: `mx.${name}` }, { type: 'TXT', value: 'kept' }]);
    const resolver = resolverWith();

    const first = await resolver.resolveMx(name);
    first.push({ exchange: 'evil.example', priority: 0 });
    (first[0] as { exchange: string }).exchange = 'changed.example';
    const txt = await resolver.resolveTxt(name);
    (txt[0] as string[]).push('extra');

    expect(await resolver.resolveMx(name)).toEqual([{ exchange: `mx.${name}`, priority: 10 }]);
    expect(await resolver.resolveTxt(name)).toEqual([['kept']]);
    expect(dns.queries.filter((q) => q.name === name).map((q) => q.type)).toEqual(['MX', 'TXT']);
  });
});
