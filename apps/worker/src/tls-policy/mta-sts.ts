import type { Log } from '@herald/core';
import type { DnsResolver } from '@herald/core';
import { createPolicyFetcher, type FetchPolicy } from './fetch-policy.ts';
import { normaliseName, parseStsRecord, type Policy } from './mta-sts-policy.ts';
import type { CachedPolicy, PolicyCache } from './policy-cache.ts';

/**
 * MTA-STS policy discovery (RFC 8461 §3, §5): what the delivery pipeline asks before connecting to a
 * domain's MX hosts.
 *
 * 1. Look up the `_mta-sts.<domain>` TXT record.
 * 2. No (valid, single) record: use an unexpired cached policy if there is one, else no policy. A
 *    domain retracts MTA-STS by publishing "mode: none" and waiting max_age, so a missing record alone
 *    never drops a cached policy early (which an attacker stripping DNS answers could exploit).
 * 3. The record's id equals the cached policy's id and that policy is unexpired: use the cache.
 * 4. Otherwise fetch the policy over HTTPS and cache it for its max_age. If the fetch fails, use the
 *    unexpired cached policy if any, else no policy; `problem` says why.
 * 5. A TXT lookup that fails (SERVFAIL, timeout) is treated like a missing record: the cache decides.
 *
 * policyFor never rejects: cache (Redis) errors are logged and treated as a cache miss or a skipped
 * write, so an unreachable cache degrades to fetching, not to failed deliveries. Concurrent lookups
 * for the same domain in one process share one discovery.
 */

export interface PolicyLookup {
  policy: Policy | null;
  source: 'none' | 'fetched' | 'cache';
  /** Why a live policy could not be used (invalid record, failed lookup or fetch); absent when all went well. */
  problem?: string;
}

export interface MtaSts {
  policyFor(domain: string): Promise<PolicyLookup>;
}

export interface MtaStsDeps {
  resolver: DnsResolver;
  /** Defaults to an HTTPS fetch through `resolver` with the standard limits. */
  fetch?: FetchPolicy;
  cache: PolicyCache;
  clock: () => Date;
  log: Log;
}

const ABSENT = new Set(['ENOTFOUND', 'ENODATA']);

export function createMtaSts(deps: MtaStsDeps): MtaSts {
  const fetchPolicy = deps.fetch ?? createPolicyFetcher({ resolver: deps.resolver });
  const { cache, clock, log } = deps;
  const inflight = new Map<string, Promise<PolicyLookup>>();

  async function readCache(domain: string): Promise<CachedPolicy | null> {
    try {
      const entry = await cache.get(domain);
      return entry !== null && entry.expiresAt > clock().getTime() ? entry : null;
    } catch (err) {
      log.warn({ err, domain }, 'MTA-STS policy cache could not be read; treating as empty');
      return null;
    }
  }

  async function writeCache(domain: string, entry: CachedPolicy): Promise<void> {
    try {
      await cache.set(domain, entry, entry.policy.maxAge);
    } catch (err) {
      log.warn({ err, domain }, 'MTA-STS policy cache could not be written');
    }
  }

  function fallback(cached: CachedPolicy | null, problem?: string): PolicyLookup {
    const base: PolicyLookup = cached ? { policy: cached.policy, source: 'cache' } : { policy: null, source: 'none' };
    return problem === undefined ? base : { ...base, problem };
  }

  async function discover(domain: string): Promise<PolicyLookup> {
    const cached = await readCache(domain);
    let txt: string[][];
    try {
      txt = await deps.resolver.resolveTxt(`_mta-sts.${domain}`);
    } catch (err) {
      const code = (err as { code?: string }).code ?? (err as Error).message;
      if (ABSENT.has(code)) return fallback(cached);
      const problem = `TXT lookup of _mta-sts.${domain} failed (${code})`;
      log.warn({ domain, problem, cached: cached !== null }, 'MTA-STS record lookup failed');
      return fallback(cached, problem);
    }

    const record = parseStsRecord(txt);
    if (record.status === 'absent') return fallback(cached);
    if (record.status === 'invalid') {
      log.warn({ domain, problem: record.reason, cached: cached !== null }, 'MTA-STS record invalid');
      return fallback(cached, record.reason);
    }
    if (cached !== null && cached.id === record.id) return { policy: cached.policy, source: 'cache' };

    let fetched: Awaited<ReturnType<FetchPolicy>>;
    try {
      fetched = await fetchPolicy(domain);
    } catch (err) {
      fetched = { ok: false, reason: (err as Error).message };
    }
    if (!fetched.ok) {
      const problem = `policy fetch failed: ${fetched.reason}`;
      log.warn({ domain, id: record.id, problem, cached: cached !== null }, 'MTA-STS policy fetch failed');
      return fallback(cached, problem);
    }

    const now = clock().getTime();
    const policy = fetched.policy;
    await writeCache(domain, { id: record.id, policy, fetchedAt: now, expiresAt: now + policy.maxAge * 1000 });
    log.info({ domain, id: record.id, mode: policy.mode, mx: policy.mx, maxAge: policy.maxAge }, 'MTA-STS policy fetched');
    return { policy, source: 'fetched' };
  }

  return {
    policyFor(domain) {
      const name = normaliseName(domain);
      const pending = inflight.get(name);
      if (pending) return pending;
      const lookup = discover(name).finally(() => inflight.delete(name));
      inflight.set(name, lookup);
      return lookup;
    },
  };
}
