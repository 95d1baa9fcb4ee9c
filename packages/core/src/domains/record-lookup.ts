import { createRequire } from 'node:module';
import type { DnsResolver } from '../dns/resolver.ts';

/**
 * DNS lookups for domain verification, as values: the records, "nothing there" (NXDOMAIN or NODATA),
 * or a failure to get an answer (SERVFAIL, timeout...), which the checks report as "try again"
 * rather than as a wrong record. Also the adapter that lets mailauth's SPF and DMARC code ask
 * Herald's resolver.
 */
export type Lookup<T> = { ok: true; value: T } | { ok: false; missing: true } | { ok: false; missing: false; code: string };

const MISSING = new Set(['ENOTFOUND', 'ENODATA']);

export async function lookup<T>(query: () => Promise<T>): Promise<Lookup<T>> {
  try {
    return { ok: true, value: await query() };
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && MISSING.has(code)) return { ok: false, missing: true };
    return { ok: false, missing: false, code: typeof code === 'string' ? code : 'EBADRESP' };
  }
}

/** Each TXT record at `name` as one string (its character-strings joined, as RFC 7208 §3.3 and RFC 6376 §3.6.2.2 say). */
export function lookupTxt(resolver: DnsResolver, name: string): Promise<Lookup<string[]>> {
  return lookup(async () => (await resolver.resolveTxt(name)).map((strings) => strings.join('')));
}

const FAILURES: Record<string, string> = {
  ESERVFAIL: 'the DNS server answered SERVFAIL',
  ETIMEOUT: 'no answer in time',
  ECONNREFUSED: 'the DNS server refused the connection',
  EREFUSED: 'the DNS server refused the query',
};

/** "lookup failed (the DNS server answered SERVFAIL), try again" */
export function lookupFailed(code: string, host?: string): string {
  return `lookup${host ? ` of ${host}` : ''} failed (${FAILURES[code] ?? code}), try again`;
}

/** mailauth's resolver signature: (name, rrtype) resolving as dns.promises.resolve does. */
export type MailauthResolver = (name: string, rrtype: string) => Promise<unknown[]>;

/**
 * mailauth's DNS questions asked through a DnsResolver: TXT, MX, A and AAAA; any other type (PTR for
 * SPF's deprecated ptr mechanism) rejects with ENODATA, which SPF counts as a void lookup.
 */
export function mailauthResolver(resolver: DnsResolver): MailauthResolver {
  return async (name, rrtype) => {
    switch (rrtype.toUpperCase()) {
      case 'TXT':
        return resolver.resolveTxt(name);
      case 'MX':
        return resolver.resolveMx(name);
      case 'A':
        return resolver.resolve4(name);
      case 'AAAA':
        return resolver.resolve6(name);
      default:
        throw Object.assign(new Error(`query${rrtype} ENODATA ${name}`), { code: 'ENODATA', hostname: name });
    }
  };
}

/** What mailauth's getDmarcRecord gives back: the record's tags, its text, and whether it came from the organisational domain. */
export interface DmarcRecord {
  p?: string;
  sp?: string;
  rua?: string;
  rr: string;
  isOrgRecord: boolean;
}

// mailauth ships no types for lib/dmarc/get-dmarc-record.js (and no "exports" map): load it through
// require with the shape of mailauth 4.x written down here, rather than an ambient module declaration.
const require = createRequire(import.meta.url);
const getDmarcRecordImpl = require('mailauth/lib/dmarc/get-dmarc-record.js') as (
  domain: string,
  resolver: MailauthResolver,
) => Promise<DmarcRecord | false>;

/**
 * The DMARC record that applies to `domain`: its own at _dmarc.<domain>, else the organisational
 * domain's (RFC 7489 §6.6.3), with the host it was found at. false when neither has exactly one.
 * Rejects on SERVFAIL or timeout.
 */
export async function getDmarcRecord(domain: string, resolver: DnsResolver): Promise<(DmarcRecord & { host: string }) | false> {
  const adapter = mailauthResolver(resolver);
  let host = `_dmarc.${domain}`;
  const record = await getDmarcRecordImpl(domain, async (name, rrtype) => {
    // getDmarcRecord asks the domain's host, then (when that has none) the organisational domain's
    host = name;
    return adapter(name, rrtype);
  });
  return record && { ...record, host };
}
