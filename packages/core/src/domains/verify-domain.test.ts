import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import type { DomainKey } from './domain-records.ts';
import { checkDomainRecords } from './verify-domain.ts';
import { checkOf, newKey, publishExpected, settingsFor, uncachedResolver, uniqueName } from './verify-domain-test-support.ts';

describe('checkDomainRecords against a real DNS server', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let rsa: DomainKey;
  let other: DomainKey;
  let ed: DomainKey;

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = uncachedResolver(dns);
    [rsa, other, ed] = [newKey('rsa_sha256'), newKey('rsa_sha256'), newKey('ed25519_sha256')];
  });

  afterAll(async () => {
    await dns?.close();
  });

  const dkimHost = (key: DomainKey, name: string) => `${key.selector}._domainkey.${name}`;

  it('passes every check of a zone published exactly as the expected records say, and verifies DKIM', async () => {
    const domain = { name: uniqueName('correct') };
    const settings = settingsFor(dns);
    publishExpected(dns, domain, [rsa, ed], settings);

    const result = await checkDomainRecords(resolver, domain, [rsa, ed], settings);

    expect(result.checks.map((c) => c.kind)).toEqual(['dkim', 'dkim', 'spf', 'dmarc', 'return_path', 'bounce_mx', 'mta_sts', 'tls_rpt']);
    expect(result.checks.filter((c) => !c.ok)).toEqual([]);
    expect(result.checks.every((c) => c.problem === null && !c.transient)).toBe(true);
    expect(result.dkimVerified).toBe(true);
    expect(result.keys).toEqual([
      { selector: rsa.selector, published: true },
      { selector: ed.selector, published: true },
    ]);
    // the 2048-bit key's record is longer than one character-string: the strings are joined
    expect(checkOf(result, 'dkim', rsa.selector).found).toEqual([`v=DKIM1; k=rsa; p=${rsa.publicKey}`]);
  });

  it('reports a DKIM record that is not there as missing, and the domain as not verified', async () => {
    const domain = { name: uniqueName('nodkim') };
    dns.set(domain.name, [{ type: 'TXT', value: 'v=spf1 -all' }]);

    const result = await checkDomainRecords(resolver, domain, [rsa], settingsFor(dns));
    const dkim = checkOf(result, 'dkim');

    expect(dkim).toMatchObject({ ok: false, required: true, found: [], transient: false, selector: rsa.selector });
    expect(dkim.problem).toBe(`missing: no TXT record at ${dkimHost(rsa, domain.name)}`);
    expect(result.dkimVerified).toBe(false);
    expect(result.keys).toEqual([{ selector: rsa.selector, published: false }]);
  });

  it('says "DKIM key mismatch" when the selector publishes another key, even split differently and with spaces', async () => {
    const domain = { name: uniqueName('mismatch') };
    const otherKey = other.publicKey.replace(/(.{64})/g, '$1 ');
    // character-strings of at most 255 octets, cut where a zone file would not
    dns.set(dkimHost(rsa, domain.name), [{ type: 'TXT', value: [`v=DKIM1; k=rsa; p=${otherKey.slice(0, 100)}`, otherKey.slice(100, 300), otherKey.slice(300)] }]);

    const result = await checkDomainRecords(resolver, domain, [rsa], settingsFor(dns));

    expect(checkOf(result, 'dkim').ok).toBe(false);
    expect(checkOf(result, 'dkim').problem).toMatch(/^DKIM key mismatch/);
    expect(result.dkimVerified).toBe(false);
  });

  it('accepts the right key however its base64 is spaced and split, without v= or k= (both optional)', async () => {
    const domain = { name: uniqueName('spaced') };
    const spaced = rsa.publicKey.replace(/(.{50})/g, '$1 ');
    dns.set(dkimHost(rsa, domain.name), [{ type: 'TXT', value: [`p=${spaced.slice(0, 200)}`, spaced.slice(200, 400), spaced.slice(400)] }]);

    const result = await checkDomainRecords(resolver, domain, [rsa], settingsFor(dns));

    expect(checkOf(result, 'dkim')).toMatchObject({ ok: true, problem: null });
    expect(result.dkimVerified).toBe(true);
  });

  it.each([
    ['a revoked key (empty p=)', ['v=DKIM1; k=rsa; p='], /revoked \(empty p=\)/],
    ['two DKIM records', ['RIGHT', 'v=DKIM1; k=rsa; p=OTHER'], /^2 DKIM records at .*keep only the one/],
    ['a record that is not a DKIM record', ['v=spf1 -all'], /is not a DKIM key record \(it should start with v=DKIM1\)/],
    ['another TXT record next to the right one', ['RIGHT', 'google-site-verification=abc'], /other TXT records .*remove them/],
    ['the right key with another key type', ['v=DKIM1; k=ed25519; p=RIGHTKEY'], /key type mismatch.*k=ed25519 published, k=rsa expected/],
  ])('reports %s at the selector host as a problem', async (_case, records, problem) => {
    const domain = { name: uniqueName('dkimbad') };
    const fill = (value: string) => value.replace('RIGHTKEY', rsa.publicKey).replace('RIGHT', `v=DKIM1; k=rsa; p=${rsa.publicKey}`).replace('OTHER', other.publicKey);
    dns.set(dkimHost(rsa, domain.name), records.map((value) => ({ type: 'TXT' as const, value: fill(value) })));

    const result = await checkDomainRecords(resolver, domain, [rsa], settingsFor(dns));

    expect(checkOf(result, 'dkim').ok).toBe(false);
    expect(checkOf(result, 'dkim').problem).toMatch(problem);
    expect(checkOf(result, 'dkim').found).toHaveLength(records.length);
    expect(result.dkimVerified).toBe(false);
  });

  it('turns a SERVFAIL on the DKIM host into a problem to try again, and still reports the other records', async () => {
    const domain = { name: uniqueName('servfail') };
    const settings = settingsFor(dns);
    publishExpected(dns, domain, [rsa], settings);
    dns.failWith(dkimHost(rsa, domain.name), 'servfail');

    const result = await checkDomainRecords(resolver, domain, [rsa], settings);
    const dkim = checkOf(result, 'dkim');

    expect(dkim).toMatchObject({ ok: false, transient: true, found: [] });
    expect(dkim.problem).toMatch(/lookup failed \(.*SERVFAIL\), try again/);
    expect(result.dkimVerified).toBe(false);
    expect(result.checks.filter((c) => c.kind !== 'dkim').every((c) => c.ok)).toBe(true);
  });

  it('turns a DNS server that does not answer into a problem to try again rather than throwing', async () => {
    const domain = { name: uniqueName('timeout') };
    dns.failWith(dkimHost(rsa, domain.name), 'timeout');

    const result = await checkDomainRecords(resolver, domain, [rsa], settingsFor(dns));

    expect(checkOf(result, 'dkim')).toMatchObject({ ok: false, transient: true, problem: 'lookup failed (no answer in time), try again' });
  });

  it("counts a pending key's published record in keys[] while dkimVerified depends only on the active keys", async () => {
    const domain = { name: uniqueName('rotation') };
    const pending = { ...other, status: 'pending' };
    const settings = settingsFor(dns);
    dns.set(dkimHost(pending, domain.name), [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${pending.publicKey}` }]);

    const before = await checkDomainRecords(resolver, domain, [rsa, pending], settings);

    expect(before.keys).toEqual([
      { selector: rsa.selector, published: false },
      { selector: pending.selector, published: true },
    ]);
    expect(before.dkimVerified).toBe(false);
    expect(checkOf(before, 'dkim', pending.selector)).toMatchObject({ ok: true, required: true });

    dns.add(dkimHost(rsa, domain.name), { type: 'TXT', value: `v=DKIM1; k=rsa; p=${rsa.publicKey}` });
    const after = await checkDomainRecords(resolver, domain, [rsa, pending], settings);

    expect(after.dkimVerified).toBe(true);
  });

  it('never verifies DKIM without an active key, and does not look retired keys up', async () => {
    const domain = { name: uniqueName('noactive') };
    const pending = { ...rsa, status: 'pending' };
    const retired = { ...other, status: 'retired' };
    dns.set(dkimHost(pending, domain.name), [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${pending.publicKey}` }]);

    const result = await checkDomainRecords(resolver, domain, [pending, retired], settingsFor(dns));

    expect(result.keys).toEqual([{ selector: pending.selector, published: true }]);
    expect(result.dkimVerified).toBe(false);
    expect(result.checks.filter((c) => c.kind === 'dkim').map((c) => c.selector)).toEqual([pending.selector]);
    expect(dns.queries.some((q) => q.name === dkimHost(retired, domain.name))).toBe(false);
  });

  it('reports optional MTA-STS and TLS-RPT records as not published without failing anything required', async () => {
    const domain = { name: uniqueName('notls') };
    dns.set(dkimHost(rsa, domain.name), [{ type: 'TXT', value: `v=DKIM1; k=rsa; p=${rsa.publicKey}` }]);

    const result = await checkDomainRecords(resolver, domain, [rsa], settingsFor(dns));

    expect(checkOf(result, 'mta_sts')).toMatchObject({ ok: false, required: false, problem: `not published (optional): no MTA-STS record at _mta-sts.${domain.name}` });
    expect(checkOf(result, 'tls_rpt')).toMatchObject({ ok: false, required: false, problem: `not published (optional): no TLS-RPT record at _smtp._tls.${domain.name}` });
    expect(result.dkimVerified).toBe(true);
  });
});
