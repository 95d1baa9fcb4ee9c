import type { RedisClient } from '../queue/redis-connection.ts';

/**
 * A project's daily sending quota, counted in Redis per UTC day so that every API process counts
 * into the same number. One key per project and day (`<queue prefix>:quota:<projectId>:<YYYY-MM-DD>`), holding
 * how many recipients were reserved that day; it expires an hour after its day ends, so Redis holds
 * at most two days per project.
 *
 * The day is read from the clock of the calling process (not Redis TIME) because it names the key:
 * the processes' clocks only matter within their skew of midnight, and the hour of margin keeps the
 * previous day's key alive for a reservation or a release made just after it.
 */
export interface QuotaReservation {
  /** Whether the reservation was counted. When false, nothing was counted. */
  ok: boolean;
  /** Recipients counted today: including this reservation when ok, without it when refused. */
  used: number;
  limit: number;
  /** Midnight UTC ending the day the reservation was counted in. */
  resetsAt: Date;
  /** The UTC day counted in (YYYY-MM-DD); pass it to release so that it gives back to that day. */
  day: string;
}

export interface DailyQuota {
  /**
   * Counts `count` recipients against today's quota when they fit (atomic check-and-increment); when
   * used + count would pass the limit, nothing is counted and ok is false. A limit of 0 or less means
   * unlimited: ok, and Redis is not asked.
   */
  reserve(projectId: string, count: number, limit: number): Promise<QuotaReservation>;
  /** Gives back a reservation (of `day`, today by default) whose request failed; never below 0. */
  release(projectId: string, count: number, day?: string): Promise<void>;
}

const DAY_MS = 86_400_000;
/** How long a day's key outlives the day: covers clock skew between processes around midnight. */
export const QUOTA_KEY_MARGIN_MS = 3_600_000;

// KEYS[1]: the day's counter. ARGV: count, limit, ttl in ms. Returns { ok (0/1), used }.
const RESERVE_SCRIPT = `
local used = tonumber(redis.call('GET', KEYS[1]) or '0')
local count = tonumber(ARGV[1])
if used + count > tonumber(ARGV[2]) then return { 0, used } end
used = redis.call('INCRBY', KEYS[1], count)
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return { 1, used }`;

// KEYS[1]: the day's counter. ARGV[1]: count. Decrements, never below zero, keeping the expiry.
const RELEASE_SCRIPT = `
local used = redis.call('GET', KEYS[1])
if not used then return 0 end
local left = math.max(0, tonumber(used) - tonumber(ARGV[1]))
redis.call('SET', KEYS[1], left, 'KEEPTTL')
return left`;

function checkCount(count: number): void {
  if (!(Number.isInteger(count) && count >= 0)) throw new RangeError(`count must be a non-negative integer, not ${count}`);
}

/** The UTC day of a time, as YYYY-MM-DD. */
export function utcDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The daily quota of every front end (the API, SMTP, …), counted under `<queuePrefix>:quota:` so they
 * all count into the same keys; `clock` (ms since the epoch) decides which day it is.
 */
export function createDailyQuota(redis: RedisClient, queuePrefix: string, clock: () => number = Date.now): DailyQuota {
  const key = (projectId: string, day: string) => `${queuePrefix}:quota:${projectId}:${day}`;
  return {
    async reserve(projectId, count, limit) {
      checkCount(count);
      const now = clock();
      const day = utcDay(now);
      const resetsAt = new Date(Date.parse(`${day}T00:00:00.000Z`) + DAY_MS);
      if (limit <= 0) return { ok: true, used: 0, limit, resetsAt, day };
      const ttlMs = resetsAt.getTime() - now + QUOTA_KEY_MARGIN_MS;
      const [ok, used] = (await redis.eval(RESERVE_SCRIPT, 1, key(projectId, day), count, limit, ttlMs)) as [number, number];
      return { ok: ok === 1, used, limit, resetsAt, day };
    },
    async release(projectId, count, day = utcDay(clock())) {
      checkCount(count);
      if (count === 0) return;
      await redis.eval(RELEASE_SCRIPT, 1, key(projectId, day), count);
    },
  };
}
