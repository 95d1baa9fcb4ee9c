import { createCachingResolver, type CachingResolverOptions } from './cached-resolver.ts';
import { createDnsClient } from './dns-client.ts';

/**
 * The DNS questions delivery asks; tests pass a resolver pointed at a loopback DNS server. Failures
 * reject with Node's codes: ENOTFOUND (NXDOMAIN), ENODATA (the name has no such records), ESERVFAIL,
 * ETIMEOUT, ECONNREFUSED.
 */
export interface DnsResolver {
  resolveMx(name: string): Promise<{ exchange: string; priority: number }[]>;
  resolve4(name: string): Promise<string[]>;
  resolve6(name: string): Promise<string[]>;
  /** Each record as its character-strings, as dns.resolveTxt gives them. */
  resolveTxt(name: string): Promise<string[][]>;
}

/**
 * A resolver that asks the configured servers (HERALD_DNS_SERVERS, "ip", "ip:port" or "[v6]:port";
 * empty: the system's) directly with Herald's own stub resolver (dns-client.ts), rather than through
 * dns.lookup and libuv's small thread pool, and caches the answers for their TTL (cached-resolver.ts).
 * `timeoutMs` bounds each server's answer; `tries` is the number of rounds over the servers.
 */
export function createResolver(options: {
  servers: readonly string[];
  timeoutMs?: number;
  tries?: number;
  cache?: CachingResolverOptions;
}): DnsResolver {
  const client = createDnsClient({ servers: options.servers, timeoutMs: options.timeoutMs ?? 5_000, tries: options.tries ?? 2 });
  return createCachingResolver(client, options.cache);
}

/** Cache settings for verification: a user who just published a record must be seen at once. */
export const UNCACHED: CachingResolverOptions = { maxTtlMs: 0, negativeTtlMs: { default: 0, max: 0 } };
