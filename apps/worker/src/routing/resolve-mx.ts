import { syntheticReply, type DnsResolver, type SmtpReply } from '@herald/core';

export interface MxHost {
  name: string;
  preference: number;
  addresses: string[];
}

export type MxRoute =
  | { ok: true; hosts: MxHost[] }
  | { ok: false; action: 'bounced' | 'deferred'; category: 'dns'; reply: SmtpReply };

const TEMPORARY = new Set(['ESERVFAIL', 'ETIMEOUT', 'ECONNREFUSED', 'EREFUSED', 'ECANCELLED', 'EAI_AGAIN', 'EBADRESP']);

/**
 * RFC 5321 §5.1 and RFC 7505: MX hosts in preference order, equal preferences shuffled; no MX records
 * means the domain itself (A/AAAA) is the implicit MX; a null MX ("0 .") refuses mail for good;
 * NXDOMAIN is permanent; SERVFAIL and timeouts are temporary.
 */
export async function resolveMx(resolver: DnsResolver, domain: string, random: () => number = Math.random): Promise<MxRoute> {
  let records: { exchange: string; priority: number }[];
  try {
    records = await resolver.resolveMx(domain);
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code === 'ENOTFOUND') return permanent('5.1.2', `domain ${domain} does not exist (NXDOMAIN)`);
    if (code === 'ENODATA') return implicitMx(resolver, domain);
    if (TEMPORARY.has(code)) return temporary(`DNS lookup of MX for ${domain} failed (${code})`);
    return temporary(`DNS lookup of MX for ${domain} failed (${code || (err as Error).message})`);
  }
  if (records.length === 0) return implicitMx(resolver, domain);
  if (records.some((r) => r.exchange === '' || r.exchange === '.')) {
    return permanent('5.1.10', `domain ${domain} does not accept mail (null MX)`);
  }
  const ordered = shuffleWithinPreference(records, random);
  const hosts: MxHost[] = [];
  for (const record of ordered) {
    const { addresses } = await addressesOf(resolver, record.exchange);
    if (addresses.length > 0) hosts.push({ name: record.exchange.toLowerCase(), preference: record.priority, addresses });
  }
  if (hosts.length === 0) return temporary(`no MX host of ${domain} has an address`);
  return { ok: true, hosts };
}

async function implicitMx(resolver: DnsResolver, domain: string): Promise<MxRoute> {
  const { addresses, failure } = await addressesOf(resolver, domain);
  // only "no such records" is permanent; a SERVFAIL or timeout on the address lookup is not
  if (addresses.length === 0 && failure) return temporary(`DNS lookup of addresses for ${domain} failed (${failure})`);
  if (addresses.length === 0) return permanent('5.1.2', `domain ${domain} has no MX and no address records`);
  return { ok: true, hosts: [{ name: domain, preference: 0, addresses }] };
}

/**
 * IPv4 first, then IPv6; a failed lookup of one family just contributes nothing. `failure` names the
 * first error other than NODATA/NXDOMAIN (SERVFAIL, timeout...), so a caller can tell "no address"
 * from "could not find out".
 */
async function addressesOf(resolver: DnsResolver, host: string): Promise<{ addresses: string[]; failure: string | null }> {
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  let failure: string | null = null;
  for (const result of [v4, v6]) {
    if (result.status === 'fulfilled') continue;
    const code = (result.reason as { code?: string }).code ?? '';
    if (code !== 'ENODATA' && code !== 'ENOTFOUND') failure ??= code || String((result.reason as Error).message);
  }
  return { addresses, failure };
}

function shuffleWithinPreference<T extends { priority: number }>(records: T[], random: () => number): T[] {
  const keyed = records.map((r) => ({ r, k: random() }));
  keyed.sort((a, b) => a.r.priority - b.r.priority || a.k - b.k);
  return keyed.map((x) => x.r);
}

function permanent(enhanced: string, text: string): MxRoute {
  return { ok: false, action: 'bounced', category: 'dns', reply: syntheticReply(550, enhanced, text) };
}

function temporary(text: string): MxRoute {
  return { ok: false, action: 'deferred', category: 'dns', reply: syntheticReply(451, '4.4.3', text) };
}
