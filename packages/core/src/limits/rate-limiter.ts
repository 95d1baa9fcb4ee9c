import type { RedisClient } from '../queue/redis-connection.ts';
import { createHash } from 'node:crypto';
import type { RedisOptions } from 'ioredis';

/**
 * Request rate limits kept in Redis, so that they hold across every API process (docs/architecture.md: nothing
 * may assume a single process). The algorithm is GCRA, the generic cell rate algorithm: a bucket of
 * `burst` tokens refilled at `perSecond`, stored as one number per key — the theoretical arrival time
 * (TAT) at which the bucket would be full again. A take is one Lua script: atomic, one round trip,
 * no lock, and correct however many processes take from the same key at once.
 *
 * Time: by default the script reads Redis's own clock (TIME), so every API process measures against
 * the same clock and a process whose clock is skewed cannot grant itself extra tokens or starve the
 * others. A `clock` may be given instead (tests use a fake one to step through time exactly); its
 * value is then passed to the script as "now".
 *
 * Memory: each key is written with PX set to the time until its bucket is full again. A missing key
 * means a full bucket, so a key that has not been used for a while costs nothing.
 */
export interface RateLimit {
  /** Sustained rate: tokens added to the bucket per second (may be fractional, e.g. 0.5). */
  perSecond: number;
  /** Bucket size: how many requests may arrive at once after a quiet spell (a positive integer). */
  burst: number;
}

export interface TakeResult {
  /** Whether the bucket had room for the cost (and, for take, whether it was charged). */
  allowed: boolean;
  /** The bucket size (the burst). */
  limit: number;
  /** Whole tokens left in the bucket after this take (0 when refused). */
  remaining: number;
  /** Milliseconds until the bucket is full again. */
  resetMs: number;
  /** Milliseconds until the same take would be allowed; 0 when allowed. */
  retryAfterMs: number;
}

export interface Bucket {
  key: string;
  limit: RateLimit;
}

export interface RateLimiter {
  /** Takes `cost` tokens from one bucket when it has them; a refusal charges nothing. */
  take(key: string, limit: RateLimit, cost?: number): Promise<TakeResult>;
  /**
   * Takes `cost` tokens from every bucket, or from none: when any bucket refuses, no bucket is
   * charged (a refused request does not spend another bucket's budget). One result per bucket, in
   * order; when the whole take is refused, the buckets that had room report their unchanged state.
   * In Redis Cluster the keys must share a hash slot (a common `{hash tag}`).
   */
  takeAll(buckets: readonly Bucket[], cost?: number): Promise<TakeResult[]>;
  /**
   * Whether `take(key, limit, cost)` would be allowed now, charging nothing: the result the take
   * would give, with `remaining` as the bucket is (a limit counted by `take` only on some outcomes,
   * such as failed sign-ins, checks here before the attempt).
   */
  peek(key: string, limit: RateLimit, cost?: number): Promise<TakeResult>;
  /**
   * Takes as many tokens as every bucket has now, at most `upTo` and at least one, from all buckets or
   * from none (a reservation: token-reserve.ts hands them out one by one). `granted` is 0 when refused;
   * the results are the buckets' state after the take, as takeAll's.
   */
  reserve(buckets: readonly Bucket[], upTo: number): Promise<{ granted: number; results: TakeResult[] }>;
}

/**
 * Options for a Redis connection dedicated to rate limiting: a command fails fast (200 ms, no retry,
 * no offline queue) instead of waiting for a dead Redis, so that the caller can let the request
 * through. The shared connection of BullMQ (maxRetriesPerRequest: null) waits forever instead.
 */
export const RATE_LIMIT_REDIS_OPTIONS = {
  commandTimeout: 200,
  enableOfflineQueue: false,
  maxRetriesPerRequest: 0,
} as const satisfies RedisOptions;

// KEYS: one per bucket. ARGV[1]: now in ms, or '' to read Redis TIME. ARGV[2]: cost (the fewest tokens
// to take). ARGV[3]: '1' to charge the buckets, '0' to only say whether the take would be allowed
// (peek). ARGV[4]: the most tokens to take (a reservation takes as many as every bucket has, up to it;
// a take passes its cost). ARGV[3 + 2i], ARGV[4 + 2i]: emission interval (ms per token) and burst of
// bucket i. Returns four integers per bucket: allowed (0/1), remaining, resetMs, retryAfterMs; then
// the tokens taken (0 when refused or peeked).
const GCRA_SCRIPT = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local cost = tonumber(ARGV[2])
local charge = ARGV[3] == '1'
local take = tonumber(ARGV[4])
local EPSILON = 1e-6
local all = true
local state = {}
for i = 1, #KEYS do
  local interval = tonumber(ARGV[3 + 2 * i])
  local burst = tonumber(ARGV[4 + 2 * i])
  local tat = tonumber(redis.call('GET', KEYS[i]) or now)
  if tat < now then tat = now end
  -- the most whole tokens that fit now: the largest n with now - (tat + interval * n - interval * burst) > -EPSILON
  local fit = math.ceil((now - tat + interval * burst + EPSILON) / interval) - 1
  if fit < take then take = fit end
  state[i] = { interval = interval, burst = burst, tat = tat }
end
if take < cost then take = cost end
for i = 1, #KEYS do
  local interval = state[i].interval
  local burst = state[i].burst
  local tat = state[i].tat
  local newTat = tat + interval * take
  local diff = now - (newTat - interval * burst)
  state[i] = { interval = interval, burst = burst, tat = tat, newTat = newTat, diff = diff, ok = diff > -EPSILON }
  if not state[i].ok then all = false end
end
local out = {}
for i = 1, #KEYS do
  local s = state[i]
  if all and charge then
    redis.call('SET', KEYS[i], string.format('%.6f', s.newTat), 'PX', math.max(1, math.ceil(s.newTat - now)))
    out[#out + 1] = 1
    out[#out + 1] = math.floor(math.max(0, s.diff) / s.interval + EPSILON)
    out[#out + 1] = math.ceil(s.newTat - now - EPSILON)
    out[#out + 1] = 0
  elseif s.ok then
    out[#out + 1] = 1
    out[#out + 1] = math.floor((now - (s.tat - s.interval * s.burst)) / s.interval + EPSILON)
    out[#out + 1] = math.ceil(s.tat - now - EPSILON)
    out[#out + 1] = 0
  else
    out[#out + 1] = 0
    out[#out + 1] = 0
    out[#out + 1] = math.ceil(s.tat - now - EPSILON)
    out[#out + 1] = math.max(1, math.ceil(-s.diff))
  end
end
out[#out + 1] = (all and charge) and take or 0
return out`;

const GCRA_SHA = createHash('sha1').update(GCRA_SCRIPT).digest('hex');

function checkLimit({ perSecond, burst }: RateLimit, cost: number): void {
  if (!(Number.isFinite(perSecond) && perSecond > 0)) throw new RangeError(`perSecond must be a positive number, not ${perSecond}`);
  if (!(Number.isInteger(burst) && burst >= 1)) throw new RangeError(`burst must be a positive integer, not ${burst}`);
  if (cost > burst) throw new RangeError(`a cost of ${cost} can never fit a bucket of ${burst}`);
}

/**
 * A rate limiter whose keys live under `<prefix>:`. `clock` (ms since the epoch) replaces Redis TIME;
 * leave it out in production so that all processes share Redis's clock.
 */
export function createRateLimiter(redis: RedisClient, prefix: string, clock?: () => number): RateLimiter {
  async function run(keys: string[], args: (string | number)[]): Promise<number[]> {
    try {
      return (await redis.evalsha(GCRA_SHA, keys.length, ...keys, ...args)) as number[];
    } catch (err) {
      // the script cache is empty after a Redis restart or SCRIPT FLUSH: send the script itself once
      if (!(err instanceof Error && err.message.startsWith('NOSCRIPT'))) throw err;
      return (await redis.eval(GCRA_SCRIPT, keys.length, ...keys, ...args)) as number[];
    }
  }

  async function takeUpTo(buckets: readonly Bucket[], cost: number, upTo: number, charge: boolean): Promise<{ granted: number; results: TakeResult[] }> {
    if (!(Number.isInteger(cost) && cost >= 1)) throw new RangeError(`cost must be a positive integer, not ${cost}`);
    if (!(Number.isInteger(upTo) && upTo >= cost)) throw new RangeError(`upTo must be an integer of at least ${cost}, not ${upTo}`);
    if (buckets.length === 0) return { granted: 0, results: [] };
    for (const bucket of buckets) checkLimit(bucket.limit, cost);
    const args: (string | number)[] = [clock ? clock() : '', cost, charge ? '1' : '0', upTo];
    for (const { limit } of buckets) args.push(1000 / limit.perSecond, limit.burst);
    const reply = await run(
      buckets.map((b) => `${prefix}:${b.key}`),
      args,
    );
    const results = buckets.map((bucket, i) => ({
      allowed: reply[4 * i] === 1,
      limit: bucket.limit.burst,
      remaining: reply[4 * i + 1] ?? 0,
      resetMs: reply[4 * i + 2] ?? 0,
      retryAfterMs: reply[4 * i + 3] ?? 0,
    }));
    return { granted: reply[4 * buckets.length] ?? 0, results };
  }

  const takeAll = async (buckets: readonly Bucket[], cost = 1, charge = true) => (await takeUpTo(buckets, cost, cost, charge)).results;

  return {
    takeAll: (buckets, cost) => takeAll(buckets, cost),
    reserve: (buckets, upTo) => takeUpTo(buckets, 1, upTo, true),
    async take(key, limit, cost = 1) {
      const [result] = await takeAll([{ key, limit }], cost);
      return result as TakeResult;
    },
    async peek(key, limit, cost = 1) {
      const [result] = await takeAll([{ key, limit }], cost, false);
      return result as TakeResult;
    },
  };
}
