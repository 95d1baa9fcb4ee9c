import type { DnsResolver } from '../dns/resolver.ts';
import { lookup, type Lookup } from './record-lookup.ts';

/**
 * What mail to a host reaches: its MX, A and AAAA records, as sorted lines ("MX 10 mx.example.net",
 * "A 192.0.2.1"); a null MX (RFC 7505, "MX 0 .") reads "MX 0 .". A lookup that got no answer
 * (SERVFAIL, timeout) gives its code instead: the footprint is then unknown, not empty.
 */
export type Footprint = { ok: true; lines: string[] } | { ok: false; code: string };

export async function footprint(resolver: DnsResolver, host: string): Promise<Footprint> {
  const [mx, a, aaaa] = await Promise.all([
    lookup(() => resolver.resolveMx(host)),
    lookup(() => resolver.resolve4(host)),
    lookup(() => resolver.resolve6(host)),
  ]);
  const failed = [mx, a, aaaa].find((answer): answer is Extract<Lookup<unknown>, { missing: false }> => !answer.ok && !answer.missing);
  if (failed) return { ok: false, code: failed.code };
  const lines = [
    ...(mx.ok ? mx.value.map((r) => `MX ${r.priority} ${r.exchange.toLowerCase() || '.'}`) : []),
    ...(a.ok ? a.value.map((address) => `A ${address}`) : []),
    ...(aaaa.ok ? aaaa.value.map((address) => `AAAA ${address}`) : []),
  ];
  return { ok: true, lines: [...new Set(lines)].sort() };
}
