import type { spf } from 'mailauth/lib/spf/index.js';
import { mailauthSpf } from '../lazy-modules.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import { returnPathHost, spfRecordValue, type DomainRecordSettings } from './domain-records.ts';
import { lookupFailed, lookupTxt, mailauthResolver } from './record-lookup.ts';
import type { RecordCheck } from './verify-domain.ts';

export interface SpfCheckSettings extends DomainRecordSettings {
  /** The name Herald's workers greet with (EHLO); passed to the SPF evaluation as the HELO identity. */
  heloName?: string;
}

/** The SPF result for one sending IP, as mailauth gives it: pass, fail, softfail, neutral, none, permerror, temperror. */
type SpfOptions = Parameters<typeof spf>[0];

async function evaluate(resolver: DnsResolver, host: string, ip: string, settings: SpfCheckSettings): Promise<string> {
  const options: SpfOptions = {
    sender: `postmaster@${host}`,
    ip,
    helo: settings.heloName,
    mta: settings.heloName ?? 'herald',
    // MX answers are objects ({ exchange, priority }), as dns.promises.resolve gives them, whatever mailauth's type says
    resolver: mailauthResolver(resolver) as SpfOptions['resolver'],
  };
  const result = await (await mailauthSpf()).spf(options);
  return result.status.result;
}

function hasInclude(record: string, include: string): boolean {
  return record
    .toLowerCase()
    .split(/\s+/)
    .some((term) => /^[+]?include:/.test(term) && term.replace(/^[+]?include:/, '') === include.toLowerCase());
}

/**
 * Checks SPF where receivers check it for Herald's mail: at the envelope sender's domain, which is
 * the domain itself, or the return-path host when a bounce host is configured (its SPF record is the
 * bounce host's, through the CNAME). Exactly one v=spf1 record must be there; each configured sending
 * IP is then evaluated with mailauth (includes, redirects, a/mx mechanisms resolved through the
 * resolver) and must pass. Without sending IPs, the record must include HERALD_SPF_INCLUDE when that
 * is set. Never required: a domain verifies through DKIM.
 */
export async function checkSpfRecord(resolver: DnsResolver, domain: string, settings: SpfCheckSettings): Promise<RecordCheck> {
  const viaBounceHost = Boolean(settings.bounceHost);
  const host = viaBounceHost ? returnPathHost(domain, settings) : domain;
  const base = { kind: 'spf' as const, type: 'TXT' as const, host, expected: viaBounceHost ? null : spfRecordValue(settings), required: false, transient: false };
  const where = viaBounceHost ? ` at ${host} (it should come from ${settings.bounceHost} through the return-path CNAME)` : '';
  const answer = await lookupTxt(resolver, host);
  if (!answer.ok && !answer.missing) return { ...base, found: [], ok: false, problem: lookupFailed(answer.code), transient: true };
  const found = answer.ok ? answer.value.filter((record) => /^v=spf1(\s|$)/i.test(record.trim())) : [];
  if (found.length === 0) return { ...base, found, ok: false, problem: `no SPF record${where}` };
  if (found.length > 1) {
    return { ...base, found, ok: false, problem: `${found.length === 2 ? 'two' : found.length} SPF records: receivers treat that as an error (RFC 7208 §3.2); merge them` };
  }
  const record = found[0] as string;
  if (settings.sendingIps.length === 0) {
    if (settings.spfInclude && !hasInclude(record, settings.spfInclude)) {
      return { ...base, found, ok: false, problem: `the SPF record does not include ${settings.spfInclude}: add include:${settings.spfInclude} before its "all"` };
    }
    return { ...base, found, ok: true, problem: null };
  }
  const results = await Promise.all(settings.sendingIps.map(async (ip) => ({ ip, result: await evaluate(resolver, host, ip, settings) })));
  const failing = results.filter(({ result }) => result !== 'pass');
  if (failing.length === 0) return { ...base, found, ok: true, problem: null };
  const listed = failing.map(({ ip, result }) => `${ip} (${result})`).join(', ');
  const temporary = failing.every(({ result }) => result === 'temperror');
  const fix = settings.spfInclude ? `include:${settings.spfInclude}` : 'the ip4:/ip6: mechanisms of the suggested record';
  return {
    ...base,
    found,
    ok: false,
    transient: temporary,
    problem: temporary
      ? `SPF could not be evaluated for ${listed}: a lookup failed, try again`
      : `SPF does not authorise ${listed}${where}: add ${fix} to the record`,
  };
}
