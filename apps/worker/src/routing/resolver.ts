import { promises as dns } from 'node:dns';

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
 * A resolver that asks the configured servers (HERALD_DNS_SERVERS, "ip" or "ip:port") directly,
 * through c-ares, instead of dns.lookup and libuv's small thread pool.
 */
export function createResolver(options: { servers: readonly string[]; timeoutMs?: number; tries?: number }): DnsResolver {
  const resolver = new dns.Resolver({ timeout: options.timeoutMs ?? 5_000, tries: options.tries ?? 2 });
  if (options.servers.length > 0) resolver.setServers([...options.servers]);
  return {
    resolveMx: (name) => resolver.resolveMx(name),
    resolve4: (name) => resolver.resolve4(name),
    resolve6: (name) => resolver.resolve6(name),
    resolveTxt: (name) => resolver.resolveTxt(name),
  };
}
