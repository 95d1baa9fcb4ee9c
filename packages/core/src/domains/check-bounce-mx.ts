import type { DnsResolver } from '../dns/resolver.ts';
import type { DomainRecordSettings } from './domain-records.ts';
import { footprint } from './host-footprint.ts';
import { lookupFailed } from './record-lookup.ts';
import type { RecordCheck } from './verify-domain.ts';

/**
 * Checks that mail for the bounce host (HERALD_BOUNCE_HOST) can reach Herald's inbound MX: the host
 * has MX records, or (RFC 5321 §5.1's implicit MX) an A or AAAA record, and no null MX (RFC 7505,
 * "MX 0 ." refuses all mail). It is the installation's record, published once by whoever runs Herald,
 * not the sending domain's: it is reported with every domain (bounces of every domain arrive through
 * it) but never required for one to verify. Which hosts the MX names cannot be checked from here (the
 * API and the worker do not know where `herald start inbound` runs); `found` shows them.
 */
export async function checkBounceMx(resolver: DnsResolver, settings: Pick<DomainRecordSettings, 'bounceHost'>): Promise<RecordCheck | null> {
  const bounceHost = settings.bounceHost;
  if (!bounceHost) return null;
  const base = { kind: 'bounce_mx' as const, type: 'MX' as const, host: bounceHost, expected: bounceMxValue(bounceHost), required: false, transient: false };
  const found = await footprint(resolver, bounceHost);
  if (!found.ok) return { ...base, found: [], ok: false, problem: lookupFailed(found.code, bounceHost), transient: true };
  const { lines } = found;
  if (lines.some((line) => line === 'MX 0 .')) {
    return { ...base, found: lines, ok: false, problem: `${bounceHost} has a null MX ("0 ."): it refuses all mail, so bounces and complaints never reach Herald's inbound MX` };
  }
  if (lines.length === 0) {
    return {
      ...base, found: lines, ok: false,
      problem: `missing: ${bounceHost} has no MX or address record, so bounces and complaints cannot reach Herald; the operator publishes an MX record naming the host(s) running herald start inbound`,
    };
  }
  return { ...base, found: lines, ok: true, problem: null };
}

/** The MX record Herald suggests for the bounce host: itself, as the inbound MX greets by default (HERALD_INBOUND_HOSTNAME). */
export function bounceMxValue(bounceHost: string): string {
  return `10 ${bounceHost}`;
}
