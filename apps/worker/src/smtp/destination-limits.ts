import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Limits shared by every worker process, kept in Redis: how many connections one destination (an MX
 * host or relay) may have open at once, and how long a destination that said "slow down" is left
 * alone.
 */
export interface DestinationLimits {
  /** A lease on one connection slot, or null when the destination is at its limit. */
  acquireSlot(destination: string): Promise<string | null>;
  releaseSlot(destination: string, lease: string): Promise<void>;
  /** Until when the destination is backed off (ms since epoch), or null. */
  backedOffUntil(destination: string): Promise<number | null>;
  /** Records a throttling reply: backs off 1, 2, 4… minutes up to the maximum. Returns the end. */
  throttled(destination: string): Promise<number>;
  /** A delivery went through: the next throttle starts from the shortest backoff again. */
  recovered(destination: string): Promise<void>;
}

export interface LimitSettings {
  maxConnections: number;
  /** A slot whose holder vanished (a killed worker) frees itself after this long. */
  leaseMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

const ACQUIRE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
  redis.call('ZADD', KEYS[1], ARGV[1] + ARGV[3], ARGV[4])
  redis.call('PEXPIRE', KEYS[1], ARGV[3])
  return 1
end
return 0`;

const THROTTLE = `
local level = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[3] * 4)
local delay = math.min(tonumber(ARGV[2]) * 2 ^ (level - 1), tonumber(ARGV[3]))
local untilMs = tonumber(ARGV[1]) + delay
redis.call('SET', KEYS[2], untilMs, 'PX', math.floor(delay))
return untilMs`;

export function createRedisDestinationLimits(redis: Redis, prefix: string, settings: LimitSettings, now: () => number = Date.now): DestinationLimits {
  const key = (kind: string, destination: string) => `${prefix}:dest:${kind}:${destination.toLowerCase()}`;
  return {
    async acquireSlot(destination) {
      const lease = randomUUID();
      const got = await redis.eval(ACQUIRE, 1, key('slots', destination), now(), settings.maxConnections, settings.leaseMs, lease);
      return got === 1 ? lease : null;
    },
    async releaseSlot(destination, lease) {
      await redis.zrem(key('slots', destination), lease);
    },
    async backedOffUntil(destination) {
      const value = await redis.get(key('backoff', destination));
      const until = value ? Number(value) : null;
      return until && until > now() ? until : null;
    },
    async throttled(destination) {
      const until = await redis.eval(
        THROTTLE,
        2,
        key('throttle-level', destination),
        key('backoff', destination),
        now(),
        settings.backoffBaseMs,
        settings.backoffMaxMs,
      );
      return Number(until);
    },
    async recovered(destination) {
      await redis.del(key('throttle-level', destination));
    },
  };
}
