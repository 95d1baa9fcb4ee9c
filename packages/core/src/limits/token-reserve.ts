import type { Bucket, RateLimiter, TakeResult } from './rate-limiter.ts';

/**
 * Tokens taken from Redis ahead, a few at a time, and handed out in this process one by one: a busy
 * API asks Redis once for many requests instead of once each. The buckets stay the one record, shared
 * by every process: each token handed out was taken from them first, so no process, nor all together,
 * ever lets more through than the limits allow. What changes is that a process may hold a few tokens
 * its clients have not used yet:
 *
 * - a reservation is at most 1% of the smallest bucket's burst and at most 10 ms of its rate (up to
 *   MAX_RESERVATION): with the default limits (100 a second, bursts of 200) that is one token, and
 *   every request asks Redis as before;
 * - tokens held longer than `maxAgeMs` (1 s) are dropped unused, so a client never bursts more than a
 *   reservation a process beyond its bucket, and a process that goes quiet wastes at most 10 ms of its
 *   clients' rate;
 * - a client at its limit may be refused by one process while another still holds a token for it (at
 *   most one reservation a process).
 *
 * RateLimit-Remaining counts the tokens held here with what the buckets had left when they were
 * reserved, plus what the buckets have refilled since: exact with one process, an estimate with more.
 * A refusal always comes from Redis. A take of more than one token, a peek and a take that Redis fails
 * go to the limiter as they are.
 */
export interface TokenReserve {
  /** One token from every bucket or from none, as RateLimiter.takeAll with a cost of one. */
  takeAll(buckets: readonly Bucket[]): Promise<TakeResult[]>;
}

/** The most tokens one reservation takes. */
export const MAX_RESERVATION = 100;
/** How long reserved tokens are kept for their clients. */
export const RESERVE_MAX_AGE_MS = 1_000;
/** Beyond this many bucket sets held at once, the expired ones are forgotten. */
const SWEEP_ABOVE = 10_000;

interface Stock {
  tokens: number;
  at: number;
  /** The buckets' state once the reservation was taken. */
  results: TakeResult[];
}

/** How many tokens a reservation takes for these buckets (1: none are held, every take goes to Redis). */
export function reservationSize(buckets: readonly Bucket[]): number {
  let size = MAX_RESERVATION;
  for (const { limit } of buckets) size = Math.min(size, Math.floor(limit.burst / 100), Math.floor(limit.perSecond / 100));
  return Math.max(1, size);
}

export function createTokenReserve(limiter: RateLimiter, options: { maxAgeMs?: number; now?: () => number } = {}): TokenReserve {
  const maxAgeMs = options.maxAgeMs ?? RESERVE_MAX_AGE_MS;
  const now = options.now ?? Date.now;
  const stocks = new Map<string, Stock>();
  const reserving = new Map<string, Promise<unknown>>();

  /** What the client has left at `at`: the buckets' remaining at the reservation, what they refilled since, and the tokens still held. */
  const fromStock = (stock: Stock, buckets: readonly Bucket[], at: number): TakeResult[] => {
    const elapsed = at - stock.at;
    return stock.results.map((r, i) => ({
      ...r,
      remaining: Math.min(r.limit, r.remaining + stock.tokens + Math.floor((elapsed * (buckets[i] as Bucket).limit.perSecond) / 1000)),
      resetMs: Math.max(0, r.resetMs - elapsed),
    }));
  };

  const keep = (id: string, stock: Stock) => {
    if (stocks.size >= SWEEP_ABOVE) for (const [key, held] of stocks) if (now() - held.at >= maxAgeMs) stocks.delete(key);
    stocks.set(id, stock);
  };

  async function takeAll(buckets: readonly Bucket[]): Promise<TakeResult[]> {
    const size = reservationSize(buckets);
    if (size <= 1) return limiter.takeAll(buckets);
    const id = buckets.map((b) => `${b.key} ${b.limit.perSecond} ${b.limit.burst}`).join('\n');
    for (;;) {
      const stock = stocks.get(id);
      const at = now();
      if (stock && stock.tokens > 0 && at - stock.at < maxAgeMs) {
        stock.tokens -= 1;
        return fromStock(stock, buckets, at);
      }
      // one reservation at a time per bucket set: the requests arriving meanwhile take from what it brings
      const pending = reserving.get(id);
      if (pending) {
        await pending.catch(() => undefined);
        continue;
      }
      const reservation = limiter.reserve(buckets, size);
      reserving.set(id, reservation);
      try {
        const { granted, results } = await reservation;
        if (granted === 0) return results;
        // the first token goes out at the reservation's own time: nothing has refilled yet
        const taken: Stock = { tokens: granted - 1, at: now(), results };
        keep(id, taken);
        return fromStock(taken, buckets, taken.at);
      } finally {
        reserving.delete(id);
      }
    }
  }

  return { takeAll };
}
