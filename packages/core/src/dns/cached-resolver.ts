import type { DnsAnswer, DnsClient, DnsReply, QueryType } from './dns-client.ts';
import { metrics, seconds } from '../metrics/registry.ts';
import type { DnsResolver } from './resolver.ts';

export interface CachingResolverOptions {
  /** Milliseconds since the epoch; injectable so tests can move time. */
  clock?: () => number;
  /** Entries kept (answers and negative answers); the least recently used goes first. Default 10,000. */
  maxEntries?: number;
  /**
   * How long NXDOMAIN and NODATA are remembered: the SOA-derived negative TTL when the answer has
   * one, else `default`; never longer than `max`. Default 60 s and 300 s.
   */
  negativeTtlMs?: { default: number; max: number };
  /** The longest a positive answer is kept, whatever its TTL says. Default one day. */
  maxTtlMs?: number;
}

/** What a question came to: the records, or the Node error code it fails with. */
type Outcome = { ok: true; answers: DnsAnswer[] } | { ok: false; code: string; detail?: string };

interface Entry {
  outcome: Outcome;
  expiresAt: number;
}

/** The names Node gives the failing query in its errors (err.syscall). */
const SYSCALL: Record<QueryType, string> = { MX: 'queryMx', A: 'queryA', AAAA: 'queryAaaa', TXT: 'queryTxt' };

/** Rcodes other than NOERROR and NXDOMAIN, as c-ares reports them. None is cached. */
const RCODE_ERRORS: Record<string, string> = { SERVFAIL: 'ESERVFAIL', REFUSED: 'EREFUSED', FORMERR: 'EFORMERR', NOTIMP: 'ENOTIMP' };

/**
 * A DnsResolver over Herald's stub resolver that remembers answers for as long as their TTL allows:
 * positive answers for the smallest TTL of the answer set (TTL 0: not kept), NXDOMAIN and NODATA
 * for the negative TTL, SERVFAIL, refusals and timeouts never. Concurrent identical questions share
 * one query. Failures reject like Node's resolver: ENOTFOUND, ENODATA, ESERVFAIL, ETIMEOUT...
 */
export function createCachingResolver(client: DnsClient, options: CachingResolverOptions = {}): DnsResolver {
  const clock = options.clock ?? Date.now;
  const maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  const negative = options.negativeTtlMs ?? { default: 60_000, max: 300_000 };
  const maxTtlMs = options.maxTtlMs ?? 86_400_000;
  const cache = new Map<string, Entry>();
  const inFlight = new Map<string, Promise<Outcome>>();

  function remember(key: string, outcome: Outcome, ttlMs: number): void {
    if (!(ttlMs > 0)) return;
    cache.delete(key);
    cache.set(key, { outcome, expiresAt: clock() + ttlMs });
    while (cache.size > maxEntries) {
      const oldest = cache.keys().next().value as string;
      cache.delete(oldest);
    }
  }

  function negativeTtlMs(reply: DnsReply): number {
    const ttl = reply.negativeTtl === undefined ? negative.default : reply.negativeTtl * 1000;
    return Math.min(ttl, negative.max);
  }

  async function ask(key: string, name: string, type: QueryType): Promise<Outcome> {
    let reply: DnsReply;
    const started = performance.now();
    const observe = (result: string) => metrics().dnsLookupDuration.observe({ type, result }, seconds(performance.now() - started));
    try {
      reply = await client.query(name, type);
    } catch (err) {
      // no answer at all (timeout, connection refused...): not cached
      const { code, message } = err as { code?: string; message?: string };
      observe(code === 'ETIMEOUT' ? 'timeout' : 'error');
      return { ok: false, code: code ?? 'EBADRESP', detail: message };
    }
    observe(lookupResult(reply));
    let outcome: Outcome;
    if (reply.rcode === 'NOERROR' && reply.answers.length > 0) {
      outcome = { ok: true, answers: reply.answers };
      remember(key, outcome, Math.min(Math.min(...reply.answers.map((a) => a.ttl)) * 1000, maxTtlMs));
    } else if (reply.rcode === 'NOERROR' || reply.rcode === 'NXDOMAIN') {
      outcome = { ok: false, code: reply.rcode === 'NXDOMAIN' ? 'ENOTFOUND' : 'ENODATA' };
      remember(key, outcome, negativeTtlMs(reply));
    } else {
      outcome = { ok: false, code: RCODE_ERRORS[reply.rcode] ?? 'EBADRESP', detail: reply.rcode };
    }
    return outcome;
  }

  async function lookup(name: string, type: QueryType): Promise<DnsAnswer[]> {
    const asked = name.replace(/\.$/, '');
    const key = `${type} ${asked.toLowerCase()}`;
    let outcome: Outcome | undefined;
    const entry = cache.get(key);
    if (entry && entry.expiresAt > clock()) {
      // most recently used goes to the end of the Map's order
      cache.delete(key);
      cache.set(key, entry);
      outcome = entry.outcome;
    } else {
      if (entry) cache.delete(key);
      let pending = inFlight.get(key);
      if (!pending) {
        pending = ask(key, asked, type).finally(() => inFlight.delete(key));
        inFlight.set(key, pending);
      }
      outcome = await pending;
    }
    if (!outcome.ok) throw nodeError(SYSCALL[type], outcome.code, name, outcome.detail);
    return outcome.answers;
  }

  return {
    resolveMx: async (name) =>
      (await lookup(name, 'MX')).flatMap((a) =>
        // without the trailing dot, so the root (dns-packet's ".") is '' as in Node's answers: a null MX is "0 ."
        a.type === 'MX' ? [{ exchange: a.data.exchange.replace(/\.$/, ''), priority: a.data.preference }] : [],
      ),
    resolve4: async (name) => (await lookup(name, 'A')).flatMap((a) => (a.type === 'A' ? [a.data] : [])),
    resolve6: async (name) => (await lookup(name, 'AAAA')).flatMap((a) => (a.type === 'AAAA' ? [a.data] : [])),
    // each character-string as a string of its octets (latin1), as Node's dns.resolveTxt gives them
    resolveTxt: async (name) => (await lookup(name, 'TXT')).flatMap((a) => (a.type === 'TXT' ? [a.data.map((s) => s.toString('latin1'))] : [])),
  };
}

/**
 * An error shaped like Node's resolver errors: "queryMx ENOTFOUND example.com", code, syscall,
 * hostname. Without a stack trace: these are answers, thrown on every lookup of a name without such
 * records (the AAAA of most MX hosts, most domains' _mta-sts TXT), and capturing a stack each time
 * was a measurable share of a worker's CPU.
 */
function nodeError(syscall: string, code: string, hostname: string, detail?: string): Error {
  const message = `${syscall} ${code} ${hostname}${detail && detail !== code ? ` (${detail})` : ''}`;
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  const error = new Error(message);
  Error.stackTraceLimit = limit;
  return Object.assign(error, { errno: undefined, code, syscall, hostname });
}

/** A DNS answer as a label of herald_dns_lookup_duration_seconds: one of a few fixed values. */
function lookupResult(reply: DnsReply): string {
  if (reply.rcode === 'NOERROR') return reply.answers.length > 0 ? 'ok' : 'nodata';
  if (reply.rcode === 'NXDOMAIN') return 'nxdomain';
  if (reply.rcode === 'SERVFAIL') return 'servfail';
  if (reply.rcode === 'REFUSED') return 'refused';
  return 'error';
}
