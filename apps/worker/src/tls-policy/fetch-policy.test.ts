import { randomBytes } from 'node:crypto';
import { promises as dnsPromises } from 'node:dns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import {
  randomLoopbackAddress,
  startPolicyServer,
  type PolicyResponse,
  type TestPolicyServer,
} from '@herald/test/support/https-policy-server.ts';
import { createTestCa, type TestCa, type TestCertificate } from '@herald/test/support/test-ca.ts';
import type { DnsResolver } from '@herald/core';
import { createPolicyFetcher, type PolicyFetchOptions, type PolicyFetchResult } from './fetch-policy.ts';

const POLICY = 'version: STSv1\r\nmode: enforce\r\nmx: mx.example.com\r\nmax_age: 86400\r\n';

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

function reasonOf(result: PolicyFetchResult): string {
  if (result.ok) throw new Error(`expected a failure, got ${JSON.stringify(result.policy)}`);
  return result.reason;
}

describe('fetching an MTA-STS policy over HTTPS from a real server', () => {
  let dns: TestDnsServer;
  let resolver: DnsResolver;
  let ca: TestCa;
  let otherCa: TestCa;
  const servers: TestPolicyServer[] = [];

  beforeAll(async () => {
    dns = await startDnsServer();
    resolver = loopbackResolver(dns.address);
    ca = createTestCa('Herald trusted test CA');
    otherCa = createTestCa('Unknown CA');
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await dns?.close();
  });

  /** A domain whose policy host mta-sts.<domain> resolves to a fresh HTTPS server. */
  async function policyHost(
    response: PolicyResponse,
    options: { certificate?: (host: string) => TestCertificate; fetch?: Partial<PolicyFetchOptions> } = {},
  ) {
    const domain = `fetch-${randomBytes(4).toString('hex')}.test`;
    const host = `mta-sts.${domain}`;
    const certificate = options.certificate?.(host) ?? ca.issue([host]);
    const server = await startPolicyServer({ certificate, response });
    servers.push(server);
    dns.set(host, [{ type: 'A', address: server.host }]);
    const fetch = createPolicyFetcher({ resolver, port: server.port, extraCa: ca.certPem, timeoutMs: 3_000, ...options.fetch });
    return { domain, host, server, fetch };
  }

  it('fetches and parses a valid policy, sending SNI and Host for mta-sts.<domain> to the address DNS gave', async () => {
    const { domain, host, server, fetch } = await policyHost({ body: POLICY });

    const result = await fetch(domain);

    expect(result).toEqual({ ok: true, policy: { version: 'STSv1', mode: 'enforce', mx: ['mx.example.com'], maxAge: 86400 } });
    expect(server.requests).toEqual([{ path: '/.well-known/mta-sts.txt', host: `${host}:${server.port}`, servername: host }]);
  });

  it('accepts text/plain with a charset parameter and a body streamed without Content-Length', async () => {
    const { domain, fetch } = await policyHost({ body: POLICY, contentType: 'Text/Plain; charset=utf-8', chunked: true });
    expect((await fetch(domain)).ok).toBe(true);
  });

  it('tries the next address when the first refuses the connection', async () => {
    const { domain, host, server, fetch } = await policyHost({ body: POLICY });
    dns.set(host, [
      { type: 'A', address: randomLoopbackAddress() },
      { type: 'A', address: server.host },
    ]);
    // c-ares may rotate the answers; either way the working address must be reached
    expect((await fetch(domain)).ok).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('connects to the AAAA address when the policy host has no A record', async () => {
    const domain = `fetch-v6-${randomBytes(4).toString('hex')}.test`;
    const server = await startPolicyServer({ certificate: ca.issue([`mta-sts.${domain}`]), response: { body: POLICY }, host: '::1' });
    servers.push(server);
    dns.set(`mta-sts.${domain}`, [{ type: 'AAAA', address: '::1' }]);

    const result = await createPolicyFetcher({ resolver, port: server.port, extraCa: ca.certPem })(domain);

    expect(result.ok).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('refuses a certificate issued by a CA it does not trust, before sending any request', async () => {
    const { domain, server, fetch } = await policyHost({ body: POLICY }, { certificate: (host) => otherCa.issue([host]) });

    expect(reasonOf(await fetch(domain))).toMatch(/unable to verify|self[- ]signed|UNABLE_TO_VERIFY/i);
    expect(server.requests).toEqual([]);
  });

  it('trusts the extra CA only when given it, not through any global setting', async () => {
    const { domain, server, fetch } = await policyHost({ body: POLICY }, { fetch: { extraCa: undefined } });
    expect((await fetch(domain)).ok).toBe(false);
    expect(server.requests).toEqual([]);
  });

  it('refuses a certificate from a trusted CA that is not valid for mta-sts.<domain>', async () => {
    const { domain, server, fetch } = await policyHost({ body: POLICY }, { certificate: (host) => ca.issue([`www.${host.slice(8)}`]) });

    expect(reasonOf(await fetch(domain))).toMatch(/ERR_TLS_CERT_ALTNAME_INVALID|does not match/);
    expect(server.requests).toEqual([]);
  });

  it('refuses an expired certificate', async () => {
    const expired = (host: string) => ca.issue([host], { notBefore: new Date(Date.now() - 3 * 86_400_000), notAfter: new Date(Date.now() - 86_400_000) });
    const { domain, fetch } = await policyHost({ body: POLICY }, { certificate: expired });
    expect(reasonOf(await fetch(domain))).toMatch(/expired/i);
  });

  it('does not follow a redirect, even to a server holding a valid policy', async () => {
    const target = await policyHost({ body: POLICY });
    const location = `https://${target.host}:${target.server.port}/.well-known/mta-sts.txt`;
    const { domain, server, fetch } = await policyHost({ status: 301, location, body: '' });

    expect(reasonOf(await fetch(domain))).toMatch(/answered 301 .*redirects are not followed/);
    expect(server.requests).toHaveLength(1);
    expect(target.server.requests).toEqual([]);
  });

  it('refuses any status other than 200', async () => {
    const { domain, fetch } = await policyHost({ status: 404, body: POLICY });
    expect(reasonOf(await fetch(domain))).toMatch(/answered HTTP 404, not 200/);
  });

  it('refuses a body served as another media type or without one', async () => {
    const html = await policyHost({ body: POLICY, contentType: 'text/html' });
    expect(reasonOf(await html.fetch(html.domain))).toMatch(/content type "text\/html" is not text\/plain/);
    const none = await policyHost({ body: POLICY, contentType: null });
    expect(reasonOf(await none.fetch(none.domain))).toMatch(/content type \(none\) is not text\/plain/);
  });

  it('accepts a body of exactly 64 KiB and refuses one larger, whether announced or streamed', async () => {
    const padded = (size: number) => `${POLICY}x_padding: ${'a'.repeat(size - POLICY.length - 'x_padding: \r\n'.length)}\r\n`;
    expect(padded(65_536)).toHaveLength(65_536);

    const exact = await policyHost({ body: padded(65_536) });
    expect((await exact.fetch(exact.domain)).ok).toBe(true);
    const announced = await policyHost({ body: padded(70_000) });
    expect(reasonOf(await announced.fetch(announced.domain))).toMatch(/body of 70000 bytes exceeds the 65536-byte limit/);
    const streamed = await policyHost({ body: padded(70_000), chunked: true });
    expect(reasonOf(await streamed.fetch(streamed.domain))).toMatch(/body exceeds the 65536-byte limit/);
  });

  it('gives up when the server does not answer within the time limit', async () => {
    const { domain, server, fetch } = await policyHost({ hang: true }, { fetch: { timeoutMs: 300 } });
    const started = Date.now();

    expect(reasonOf(await fetch(domain))).toMatch(/timed out after 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(server.requests).toHaveLength(1);
  });

  it('fails with the reason when the policy host has no address or the policy is invalid', async () => {
    const missing = `fetch-${randomBytes(4).toString('hex')}.test`;
    const fetch = createPolicyFetcher({ resolver, port: 1, extraCa: ca.certPem });
    expect(reasonOf(await fetch(missing))).toBe(`mta-sts.${missing} has no address (A: ENOTFOUND, AAAA: ENOTFOUND)`);

    const invalid = await policyHost({ body: 'version: STSv1\nmode: enforce\nmax_age: 86400\n' });
    expect(reasonOf(await invalid.fetch(invalid.domain))).toMatch(/invalid policy at https:\/\/mta-sts\..*: missing mx$/);
    expect(reasonOf(await fetch('not a domain'))).toBe('"not a domain" is not a valid domain name');
  });
});
