import { randomBytes } from 'node:crypto';
import type { TestDnsServer, TestRecord } from '@herald/test/support/dns-server.ts';
import { generateDkimKey } from '../crypto/dkim-key.ts';
import { createResolver, type DnsResolver } from '../dns/resolver.ts';
import { expectedRecords, type DomainKey } from './domain-records.ts';
import type { DomainCheck, DomainCheckSettings, RecordCheck } from './verify-domain.ts';

/** A name under .test no other test uses, so zone changes never leak between tests. */
export function uniqueName(label: string): string {
  return `${label}-${randomBytes(4).toString('hex')}.test`;
}

/** A resolver that asks the test server and keeps nothing, so a test can change the zone between checks. */
export function uncachedResolver(dns: TestDnsServer): DnsResolver {
  return createResolver({ servers: [dns.address], timeoutMs: 500, tries: 1, cache: { maxTtlMs: 0, negativeTtlMs: { default: 0, max: 0 } } });
}

export function newKey(algorithm: DomainKey['algorithm'], status: DomainKey['status'] = 'active'): DomainKey {
  const { publicKey } = generateDkimKey(algorithm);
  return { selector: `herald-${randomBytes(3).toString('hex')}`, algorithm, publicKey, status };
}

export const SENDING_IPS = ['192.0.2.10', '2001:db8::10'];

/** Settings with a bounce host of its own (answering MX and A), sending from SENDING_IPS. */
export function settingsFor(dns: TestDnsServer, extra: Partial<DomainCheckSettings> = {}): DomainCheckSettings {
  const bounceHost = `bounce.${uniqueName('herald')}`;
  dns.set(bounceHost, [
    { type: 'MX', preference: 10, exchange: `mx.${bounceHost}` },
    { type: 'A', address: '192.0.2.80' },
    { type: 'TXT', value: `v=spf1 ${SENDING_IPS.map((ip) => `${ip.includes(':') ? 'ip6' : 'ip4'}:${ip}`).join(' ')} -all` },
  ]);
  return { sendingIps: SENDING_IPS, bounceHost, returnPathSubdomain: 'bounces', heloName: 'mta.herald.test', ...extra };
}

/** Publishes every record expectedRecords lists in the domain's zone, exactly as it lists them. */
export function publishExpected(dns: TestDnsServer, domain: { name: string }, keys: DomainKey[], settings: DomainCheckSettings): void {
  for (const record of expectedRecords(domain, keys, settings)) {
    if (record.kind === 'bounce_mx') continue; // the bounce host's, published by settingsFor
    const published: TestRecord = record.type === 'CNAME' ? { type: 'CNAME', target: record.value } : { type: 'TXT', value: record.value };
    dns.add(record.host, published);
  }
}

export function checkOf(result: DomainCheck, kind: RecordCheck['kind'], selector?: string): RecordCheck {
  const check = result.checks.find((c) => c.kind === kind && (selector === undefined || c.selector === selector));
  if (!check) throw new Error(`no ${kind} check in ${JSON.stringify(result.checks.map((c) => c.kind))}`);
  return check;
}
