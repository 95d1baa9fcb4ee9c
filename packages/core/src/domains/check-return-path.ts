import type { DnsResolver } from '../dns/resolver.ts';
import { returnPathHost, type DomainRecordSettings } from './domain-records.ts';
import { footprint } from './host-footprint.ts';
import { lookupFailed } from './record-lookup.ts';
import type { RecordCheck } from './verify-domain.ts';

const same = (x: string[], y: string[]) => x.length === y.length && x.every((line, i) => line === y[i]);

/**
 * Checks the return-path host (<HERALD_RETURN_PATH_SUBDOMAIN>.<domain>) leads to the bounce host.
 *
 * DnsResolver has no CNAME question (Herald's stub resolver asks MX, A, AAAA and TXT, following CNAME
 * chains in the answers), and it stays that way: instead of reading the CNAME, this compares what the
 * two names resolve to. A CNAME makes the return-path host's MX, A and AAAA records exactly the bounce
 * host's, so the check passes when those sets are identical (and not empty), or when the return-path
 * host has an MX record naming the bounce host itself (the MX form some providers offer instead of a
 * CNAME: bounces arrive the same way). `found` lists the return-path host's records as "MX 10 host",
 * "A 192.0.2.1" lines. The comparison cannot tell a CNAME from copies of the bounce host's records;
 * both deliver bounces to Herald, but copies break when the bounce host's addresses change, so the
 * purpose asks for the CNAME.
 */
export async function checkReturnPath(resolver: DnsResolver, domain: string, settings: DomainRecordSettings): Promise<RecordCheck | null> {
  const bounceHost = settings.bounceHost;
  if (!bounceHost) return null;
  const host = returnPathHost(domain, settings);
  const base = { kind: 'return_path' as const, type: 'CNAME' as const, host, expected: bounceHost, required: true, transient: false };
  const [ours, theirs] = await Promise.all([footprint(resolver, host), footprint(resolver, bounceHost)]);
  if (!ours.ok) return { ...base, found: [], ok: false, problem: lookupFailed(ours.code, host), transient: true };
  const found = ours.lines;
  if (found.length === 0) return { ...base, found, ok: false, problem: `missing: nothing at ${host} leads anywhere (no CNAME, MX or address records); publish a CNAME to ${bounceHost}` };
  if (found.some((line) => /^MX \d+ /.test(line) && line.replace(/^MX \d+ /, '') === bounceHost.toLowerCase())) {
    return { ...base, found, ok: true, problem: null };
  }
  if (!theirs.ok) return { ...base, found, ok: false, problem: lookupFailed(theirs.code, bounceHost), transient: true };
  if (theirs.lines.length === 0) {
    return { ...base, found, ok: false, problem: `the bounce host ${bounceHost} itself does not resolve: Herald's HERALD_BOUNCE_HOST needs fixing, not your DNS` };
  }
  if (same(found, theirs.lines)) return { ...base, found, ok: true, problem: null };
  return {
    ...base,
    found,
    ok: false,
    problem: `${host} does not lead to ${bounceHost}: its records differ from the bounce host's; make it a CNAME to ${bounceHost}`,
  };
}
