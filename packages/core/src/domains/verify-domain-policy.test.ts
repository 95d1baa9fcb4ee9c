import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import type { DomainKey } from './domain-records.ts';
import { checkDomainRecords, type DomainCheckSettings } from './verify-domain.ts';
import { SENDING_IPS, checkOf, newKey, settingsFor, uncachedResolver, uniqueName } from './verify-domain-test-support.ts';

describe('checkDomainRecords: SPF, DMARC and the return path', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let key: DomainKey;

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = uncachedResolver(dns);
    key = newKey('ed25519_sha256');
  });

  afterAll(async () => {
    await dns?.close();
  });

  /** Settings without a bounce host: SPF is checked at the domain itself. */
  const direct = (extra: Partial<DomainCheckSettings> = {}): DomainCheckSettings => ({ sendingIps: SENDING_IPS, returnPathSubdomain: 'bounces', ...extra });
  const check = (name: string, settings: DomainCheckSettings) => checkDomainRecords(resolver, { name }, [key], settings);

  describe('SPF', () => {
    it('passes when the record lists every sending IP', async () => {
      const name = uniqueName('spfok');
      dns.set(name, [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all' }, { type: 'TXT', value: 'other=1' }]);

      const spf = checkOf(await check(name, direct()), 'spf');

      expect(spf).toMatchObject({ host: name, ok: true, problem: null, required: false, found: ['v=spf1 ip4:192.0.2.0/24 ip6:2001:db8::/32 -all'] });
      expect(spf.expected).toBe('v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 ~all');
    });

    it('reports "no SPF record" when the domain has none, without making it required', async () => {
      const name = uniqueName('nospf');
      dns.set(name, [{ type: 'TXT', value: 'hello' }]);

      expect(checkOf(await check(name, direct()), 'spf')).toMatchObject({ ok: false, required: false, found: [], problem: 'no SPF record' });
    });

    it('reports two SPF records as an error receivers make, to be merged', async () => {
      const name = uniqueName('twospf');
      dns.set(name, [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.10 ~all' }, { type: 'TXT', value: 'V=SPF1 include:_spf.other.test ~all' }]);

      const spf = checkOf(await check(name, direct()), 'spf');

      expect(spf.ok).toBe(false);
      expect(spf.found).toHaveLength(2);
      expect(spf.problem).toBe('two SPF records: receivers treat that as an error (RFC 7208 §3.2); merge them');
    });

    it('names each sending IP the record does not authorise, with its result', async () => {
      const name = uniqueName('spffail');
      dns.set(name, [{ type: 'TXT', value: 'v=spf1 -all' }]);

      const spf = checkOf(await check(name, direct()), 'spf');

      expect(spf.ok).toBe(false);
      expect(spf.problem).toContain('192.0.2.10 (fail), 2001:db8::10 (fail)');
    });

    it('tells softfail from fail, naming only the IPs that do not pass', async () => {
      const name = uniqueName('spfsoft');
      dns.set(name, [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.10 ~all' }]);

      const spf = checkOf(await check(name, direct()), 'spf');

      expect(spf.problem).toMatch(/^SPF does not authorise 2001:db8::10 \(softfail\)/);
    });

    it('passes through an include of another domain that lists the IPs, resolved through the same DNS', async () => {
      const name = uniqueName('spfinc');
      const provider = `_spf.${uniqueName('provider')}`;
      dns.set(provider, [{ type: 'TXT', value: 'v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 -all' }]);
      dns.set(name, [{ type: 'TXT', value: `v=spf1 include:${provider} -all` }]);

      const spf = checkOf(await check(name, direct({ spfInclude: provider })), 'spf');

      expect(spf).toMatchObject({ ok: true, problem: null, expected: `v=spf1 include:${provider} ~all` });
      expect(dns.queries.some((q) => q.name === provider && q.type === 'TXT')).toBe(true);
    });

    it('without sending IPs, checks the record includes HERALD_SPF_INCLUDE', async () => {
      const [good, bad] = [uniqueName('incok'), uniqueName('incmissing')];
      dns.set(good, [{ type: 'TXT', value: 'v=spf1 mx INCLUDE:_spf.herald.test ~all' }]);
      dns.set(bad, [{ type: 'TXT', value: 'v=spf1 mx include:_spf.herald.test.evil.test ~all' }]);
      const settings = direct({ sendingIps: [], spfInclude: '_spf.herald.test' });

      expect(checkOf(await check(good, settings), 'spf')).toMatchObject({ ok: true, problem: null });
      expect(checkOf(await check(bad, settings), 'spf')).toMatchObject({
        ok: false,
        problem: 'the SPF record does not include _spf.herald.test: add include:_spf.herald.test before its "all"',
      });
    });

    it('with neither sending IPs nor an include, reports the record found as ok and expects nothing', async () => {
      const name = uniqueName('spfany');
      dns.set(name, [{ type: 'TXT', value: 'v=spf1 a -all' }]);

      expect(checkOf(await check(name, direct({ sendingIps: [] })), 'spf')).toMatchObject({ ok: true, problem: null, expected: null, found: ['v=spf1 a -all'] });
    });

    it("with a bounce host, evaluates SPF at the return-path host, where the bounce host's record applies", async () => {
      const name = uniqueName('spfbounce');
      const settings = settingsFor(dns);
      dns.set(name, [{ type: 'TXT', value: 'v=spf1 -all' }]);
      dns.set(`bounces.${name}`, [{ type: 'CNAME', target: settings.bounceHost as string }]);

      const spf = checkOf(await check(name, settings), 'spf');

      expect(spf).toMatchObject({ host: `bounces.${name}`, ok: true, expected: null });
      expect(spf.found[0]).toMatch(/^v=spf1 ip4:192\.0\.2\.10/);
    });

    it('reports an SPF lookup that fails as one to try again', async () => {
      const name = uniqueName('spfservfail');
      dns.failWith(name, 'servfail');

      expect(checkOf(await check(name, direct()), 'spf')).toMatchObject({ ok: false, transient: true, problem: expect.stringMatching(/try again$/) as unknown });
    });
  });

  describe('DMARC', () => {
    it("finds the domain's own record", async () => {
      const name = uniqueName('dmarc');
      dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: 'v=DMARC1; p=quarantine' }]);

      const dmarc = checkOf(await check(name, direct()), 'dmarc');

      expect(dmarc).toMatchObject({ host: `_dmarc.${name}`, ok: true, problem: null, found: ['v=DMARC1; p=quarantine'] });
      expect(dmarc.foundAt).toBeUndefined();
    });

    it('reports DMARC missing when neither the domain nor its organisational domain has a record', async () => {
      const name = `mail.${uniqueName('nodmarc')}`;
      dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: 'not dmarc' }]);

      expect(checkOf(await check(name, direct()), 'dmarc')).toMatchObject({
        ok: false,
        found: [],
        problem: 'DMARC missing: receivers apply no policy; publish at least p=none',
      });
    });

    it("accepts the organisational domain's record for a subdomain, and says where it was found", async () => {
      const org = uniqueName('org');
      dns.set(`_dmarc.${org}`, [{ type: 'TXT', value: 'v=DMARC1; p=reject; sp=quarantine' }]);

      const dmarc = checkOf(await check(`mail.${org}`, direct()), 'dmarc');

      expect(dmarc).toMatchObject({ host: `_dmarc.mail.${org}`, foundAt: `_dmarc.${org}`, ok: true, found: ['v=DMARC1; p=reject; sp=quarantine'] });
    });

    it('reports two DMARC records at the domain, which receivers ignore', async () => {
      const name = uniqueName('twodmarc');
      dns.set(`_dmarc.${name}`, [{ type: 'TXT', value: 'v=DMARC1; p=none' }, { type: 'TXT', value: 'v=DMARC1; p=reject' }]);

      expect(checkOf(await check(name, direct()), 'dmarc')).toMatchObject({ ok: false, problem: expect.stringMatching(/^2 DMARC records/) as unknown });
    });
  });

  describe('return path', () => {
    it('passes a CNAME to the bounce host', async () => {
      const name = uniqueName('rpok');
      const settings = settingsFor(dns);
      dns.set(`bounces.${name}`, [{ type: 'CNAME', target: settings.bounceHost as string }]);

      const rp = checkOf(await check(name, settings), 'return_path');

      expect(rp).toMatchObject({ type: 'CNAME', host: `bounces.${name}`, expected: settings.bounceHost, ok: true, problem: null, required: true });
      expect(rp.found).toEqual([`A 192.0.2.80`, `MX 10 mx.${settings.bounceHost}`]);
    });

    it('passes an MX record naming the bounce host', async () => {
      const name = uniqueName('rpmx');
      const settings = settingsFor(dns);
      dns.set(`bounces.${name}`, [{ type: 'MX', preference: 5, exchange: settings.bounceHost as string }]);

      expect(checkOf(await check(name, settings), 'return_path')).toMatchObject({ ok: true, problem: null });
    });

    it('fails a CNAME to another host, saying it does not lead to the bounce host', async () => {
      const name = uniqueName('rpwrong');
      const settings = settingsFor(dns);
      const elsewhere = `bounce.${uniqueName('other-esp')}`;
      dns.set(elsewhere, [{ type: 'MX', preference: 10, exchange: `mx.${elsewhere}` }]);
      dns.set(`bounces.${name}`, [{ type: 'CNAME', target: elsewhere }]);

      const rp = checkOf(await check(name, settings), 'return_path');

      expect(rp).toMatchObject({ ok: false, found: [`MX 10 mx.${elsewhere}`] });
      expect(rp.problem).toBe(`bounces.${name} does not lead to ${settings.bounceHost}: its records differ from the bounce host's; make it a CNAME to ${settings.bounceHost}`);
    });

    it('reports a missing return-path host, asking for the CNAME', async () => {
      const name = uniqueName('rpmissing');
      const settings = settingsFor(dns);

      const rp = checkOf(await check(name, settings), 'return_path');

      expect(rp).toMatchObject({ ok: false, found: [] });
      expect(rp.problem).toMatch(/^missing: .*publish a CNAME to /);
    });

    it('is not checked at all without a bounce host', async () => {
      const result = await check(uniqueName('rpnone'), direct());

      expect(result.checks.some((c) => c.kind === 'return_path')).toBe(false);
    });
  });

  describe("the bounce host's MX", () => {
    it('passes MX records, shown as found, for information (never required)', async () => {
      const settings = settingsFor(dns);

      const mx = checkOf(await check(uniqueName('bmx'), settings), 'bounce_mx');

      expect(mx).toMatchObject({ type: 'MX', host: settings.bounceHost, expected: `10 ${settings.bounceHost}`, ok: true, problem: null, required: false });
      expect(mx.found).toEqual([`A 192.0.2.80`, `MX 10 mx.${settings.bounceHost}`]);
    });

    it('passes an address record alone (the implicit MX)', async () => {
      const settings = settingsFor(dns);
      dns.set(settings.bounceHost as string, [{ type: 'A', address: '192.0.2.81' }]);

      expect(checkOf(await check(uniqueName('bmxa'), settings), 'bounce_mx')).toMatchObject({ ok: true, found: ['A 192.0.2.81'] });
    });

    it('fails a bounce host with nothing to receive mail, saying the operator publishes the MX', async () => {
      const settings = { ...settingsFor(dns), bounceHost: `bounce.${uniqueName('nowhere')}` };

      const mx = checkOf(await check(uniqueName('bmxnone'), settings), 'bounce_mx');

      expect(mx).toMatchObject({ ok: false, found: [], transient: false, required: false });
      expect(mx.problem).toBe(`missing: ${settings.bounceHost} has no MX or address record, so bounces and complaints cannot reach Herald; the operator publishes an MX record naming the host(s) running herald start inbound`);
    });

    it('fails a null MX, which refuses all mail', async () => {
      const settings = settingsFor(dns);
      dns.set(settings.bounceHost as string, [{ type: 'MX', preference: 0, exchange: '.' }]);

      const mx = checkOf(await check(uniqueName('bmxnull'), settings), 'bounce_mx');

      expect(mx).toMatchObject({ ok: false, found: ['MX 0 .'] });
      expect(mx.problem).toMatch(/null MX/);
    });

    it('turns a SERVFAIL into a problem to try again', async () => {
      const settings = settingsFor(dns);
      dns.failWith(settings.bounceHost as string, 'servfail');

      expect(checkOf(await check(uniqueName('bmxfail'), settings), 'bounce_mx')).toMatchObject({ ok: false, transient: true, problem: expect.stringMatching(/try again$/) as unknown });
      dns.failWith(settings.bounceHost as string, null);
    });

    it('is not checked without a bounce host', async () => {
      expect((await check(uniqueName('bmxoff'), direct())).checks.some((c) => c.kind === 'bounce_mx')).toBe(false);
    });
  });
});
