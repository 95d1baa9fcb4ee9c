import type { RedisClient } from '@herald/core';
import { randomUUID } from 'node:crypto';
import { activeWorkersKey, destinationKey, getMany, isCluster, slotFreedChannel, throttledSetKey, type DestinationKeyKind } from '@herald/core';

/**
 * Limits shared by every worker process, kept in Redis: how many connections one destination (an MX
 * host or relay) may have open at once, and how long a destination that said "slow down" is left
 * alone.
 */
export interface DestinationLimits {
  /** A lease on one connection slot, or null when the destination is at its limit. It lapses unless renewed. */
  acquireSlot(destination: string): Promise<string | null>;
  /** Gives the slot back and announces it to every worker (slotFreedChannel), which may be waiting for one. */
  releaseSlot(destination: string, lease: string): Promise<void>;
  /**
   * Extends these leases by the lease time, all in one call; answers those that had already been
   * released or had lapsed (they are not brought back).
   */
  renewSlots(slots: HeldSlot[]): Promise<HeldSlot[]>;
  /**
   * How many of a destination's connections this worker may hold: the limit divided among the workers
   * running now (at least one). A worker that held them all would leave another's deliveries to
   * the same destination waiting while its own went back to back.
   */
  connectionShare(): Promise<number>;
  /**
   * Says this worker is running, as connectionShare does when it reads, and reads how many are: the
   * worker says so every `shareEveryMs` whether it delivers or not (slot-renewal.ts), so that a worker
   * back from a quiet spell does not read itself alone and open the whole limit while another worker's
   * deliveries to that destination wait for a slot.
   */
  heartbeat(): Promise<void>;
  /** How often the worker calls heartbeat: the interval its count is read at (LimitSettings.shareEveryMs). */
  readonly shareEveryMs: number;
  /** This worker stops delivering (shutdown): the others' shares grow at their next reading. */
  leave(): Promise<void>;
  /** Until when the destination is backed off (ms since epoch), or null. */
  backedOffUntil(destination: string): Promise<number | null>;
  /** Records a throttling reply: backs off 1, 2, 4… minutes up to the maximum. Returns the end. */
  throttled(destination: string): Promise<number>;
  /** A delivery went through: the next throttle starts from the shortest backoff again. */
  recovered(destination: string): Promise<void>;
}

/** A connection slot a worker holds: the destination and the lease on one of its slots. */
export interface HeldSlot {
  destination: string;
  lease: string;
}

export interface LimitSettings {
  maxConnections: number;
  /**
   * A slot not renewed for this long frees itself (its holder died): the holder renews its slots
   * well within it (slot-renewal.ts).
   */
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /**
   * How long a worker trusts what it last read of a destination's backoff (default 1 s): a throttle
   * recorded by another worker is seen within this time, and a busy destination costs one Redis read
   * per interval instead of one per message.
   */
  stateTtlMs?: number;
  /** How often a worker says it is running and reads how many are (heartbeat, connectionShare); default SHARE_EVERY_MS. It counts for three times as long. */
  shareEveryMs?: number;
}

/** How often, by default, a worker says it is running and reads how many are (LimitSettings.shareEveryMs). */
const SHARE_EVERY_MS = 5_000;

const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1] + ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

/** KEYS: the slot set; ARGV: the lease, the channel, the destination. Announced only when the lease was still held. */
const RELEASE = `
if redis.call('ZREM', KEYS[1], ARGV[1]) == 1 then
  redis.call('PUBLISH', ARGV[2], ARGV[3])
end
return 0`;

/**
 * KEYS: the slot set of each lease (on Redis Cluster they share a hash slot through the {tagged}
 * prefix, as BullMQ's keys do); ARGV: the new expiry, the lease time, then the leases in KEYS' order.
 * A lease no longer in its set is not added back: a release may have crossed the renewal.
 */
const RENEW = `
local lost = {}
for i, key in ipairs(KEYS) do
  local lease = ARGV[i + 2]
  if redis.call('ZSCORE', key, lease) then
    redis.call('ZADD', key, 'XX', ARGV[1], lease)
    redis.call('PEXPIRE', key, ARGV[2])
  else
    lost[#lost + 1] = i
  end
end
return lost`;

/**
 * KEYS: the throttle level, the backoff, the set of backed-off destinations (scored by the end of
 * their backoff, so that counting those still backed off is one ZCOUNT, and ended ones are dropped
 * here); ARGV: now, the base and maximum backoff, the destination.
 */
const THROTTLE = `
local level = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3] * 4)
local delay = math.min(tonumber(ARGV[2]) * 2 ^ (level - 1), tonumber(ARGV[3]))
local untilMs = tonumber(ARGV[1]) + delay
redis.call('SET', KEYS[2], untilMs, 'PX', math.floor(delay))
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[1])
redis.call('ZADD', KEYS[3], untilMs, ARGV[4])
return untilMs`;

/**
 * On Redis Cluster the throttle level, the backoff and the set of throttled destinations hash to
 * different slots, so THROTTLE's one script becomes three single-key steps: the level is raised
 * atomically (KEYS: the level; ARGV: how long it lives), the backoff that level gives is written, and
 * the destination is added to the set (which only the metrics read). Two workers throttled at the same
 * moment both raise the level; the backoff written last wins, which may be the shorter one.
 */
const RAISE_LEVEL = `
local level = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
return level`;

const MARK_THROTTLED = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[3])
return 0`;

async function throttleAcrossSlots(redis: RedisClient, prefix: string, destination: string, nowMs: number, settings: LimitSettings): Promise<number> {
  const level = Number(await redis.eval(RAISE_LEVEL, 1, destinationKey(prefix, 'throttle-level', destination), settings.backoffMaxMs * 4));
  const delay = Math.min(settings.backoffBaseMs * 2 ** (level - 1), settings.backoffMaxMs);
  const untilMs = nowMs + delay;
  await Promise.all([
    redis.set(destinationKey(prefix, 'backoff', destination), String(untilMs), 'PX', Math.max(1, Math.floor(delay))),
    redis.eval(MARK_THROTTLED, 1, throttledSetKey(prefix), nowMs, untilMs, destination.toLowerCase()),
  ]);
  return untilMs;
}

/**
 * KEYS: the set of active workers; ARGV: now, this worker, how long a worker counts after it last said
 * so. Says this worker is running, forgets those that stopped saying so, answers how many are left.
 */
const ACTIVE = `
redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1] - ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[3])
return redis.call('ZCARD', KEYS[1])`;

/** How many destinations are backed off now, across all workers: one ZCOUNT (herald_destinations_throttled). */
export function countThrottledDestinations(redis: Pick<RedisClient, 'zcount'>, prefix: string, now: () => number = Date.now): () => Promise<number> {
  return () => redis.zcount(throttledSetKey(prefix), `(${now()}`, '+inf');
}

export function createRedisDestinationLimits(redis: RedisClient, prefix: string, settings: LimitSettings, now: () => number = Date.now): DestinationLimits {
  const key = (kind: DestinationKeyKind, destination: string) => destinationKey(prefix, kind, destination);
  const stateTtlMs = settings.stateTtlMs ?? 1_000;
  const shareEveryMs = settings.shareEveryMs ?? SHARE_EVERY_MS;
  const self = randomUUID();
  let workers = { count: 1, readAt: -Infinity };
  // what this worker last read or wrote of each destination's backoff, and whether a throttle level was set
  const known = new Map<string, { until: number | null; throttled: boolean; readAt: number }>();
  const remember = (destination: string, until: number | null, throttled: boolean) => {
    known.delete(destination);
    known.set(destination, { until, throttled, readAt: now() });
    if (known.size > 10_000) known.delete(known.keys().next().value as string);
  };
  // says this worker is running and reads how many are; readAt moves first, so that connectionShare starts no
  // second reading while one is under way (meanwhile the last count stands)
  const readWorkers = async () => {
    workers = { ...workers, readAt: now() };
    const count = Number(await redis.eval(ACTIVE, 1, activeWorkersKey(prefix), now(), self, 3 * shareEveryMs));
    workers = { count: Math.max(1, count), readAt: now() };
  };
  return {
    async acquireSlot(destination) {
      const lease = randomUUID();
      const got = await redis.eval(ACQUIRE, 1, key('slots', destination), now(), settings.maxConnections, settings.leaseMs, lease);
      return got === 1 ? lease : null;
    },
    async releaseSlot(destination, lease) {
      await redis.eval(RELEASE, 1, key('slots', destination), lease, slotFreedChannel(prefix), destination.toLowerCase());
    },
    async renewSlots(slots) {
      if (slots.length === 0) return [];
      const renew = async (held: HeldSlot[]) => {
        const keys = held.map((s) => key('slots', s.destination));
        const lost = (await redis.eval(RENEW, keys.length, ...keys, now() + settings.leaseMs, settings.leaseMs, ...held.map((s) => s.lease))) as number[];
        return lost.map((i) => held[i - 1] as HeldSlot);
      };
      // on a cluster the destinations' slot sets live in different hash slots: one script each
      if (isCluster(redis)) return (await Promise.all(slots.map((slot) => renew([slot])))).flat();
      return renew(slots);
    },
    async connectionShare() {
      if (now() - workers.readAt >= shareEveryMs) await readWorkers();
      return Math.max(1, Math.ceil(settings.maxConnections / workers.count));
    },
    heartbeat: () => readWorkers(),
    shareEveryMs,
    async leave() {
      await redis.zrem(activeWorkersKey(prefix), self);
    },
    async backedOffUntil(destination) {
      let state = known.get(destination);
      if (!state || now() - state.readAt >= stateTtlMs) {
        const [backoff, level] = await getMany(redis, [key('backoff', destination), key('throttle-level', destination)]);
        remember(destination, backoff ? Number(backoff) : null, level !== null);
        state = known.get(destination);
      }
      const until = state?.until ?? null;
      return until && until > now() ? until : null;
    },
    async throttled(destination) {
      // KEYS: level, backoff, throttled set (one slot on one Redis; across slots on a cluster)
      const until = isCluster(redis)
        ? await throttleAcrossSlots(redis, prefix, destination, now(), settings)
        : await redis.eval(
            THROTTLE,
            3,
            key('throttle-level', destination),
            key('backoff', destination),
            throttledSetKey(prefix),
            now(),
            settings.backoffBaseMs,
            settings.backoffMaxMs,
            destination.toLowerCase(),
          );
      remember(destination, Number(until), true);
      return Number(until);
    },
    async recovered(destination) {
      // nothing to reset unless a throttle level was seen (read at most stateTtlMs ago, or set here)
      const state = known.get(destination);
      if (state && !state.throttled && now() - state.readAt < stateTtlMs) return;
      await redis.del(key('throttle-level', destination));
      remember(destination, state?.until ?? null, false);
    },
  };
}
