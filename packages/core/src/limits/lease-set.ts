import { isCluster, type RedisClient } from '../queue/redis-connection.ts';
import type { ChainableCommander } from 'ioredis';

/**
 * Things held at once (connections, sessions) counted across every process through Redis, and safe
 * against a holder that dies without giving anything back (SIGKILL, a lost host). Each holding is a
 * member of a sorted set scored by the time its lease runs out. Its holder renews its leases while it
 * holds them (`renew`, one round trip for all of a process's leases); an acquire first prunes the
 * members whose lease has run out, so the holdings of a dead process stop counting within one lease.
 * The set itself expires one lease after its last acquire or renewal.
 *
 * Time is Redis's own (TIME) unless a clock is given, so processes on hosts whose clocks differ
 * agree on when a lease runs out. Each script touches one key.
 */
export interface LeaseSets {
  /** Adds `member` to the set unless the set already holds `limit` live members; true when it holds `member` now. */
  acquire(key: string, member: string, limit: number): Promise<boolean>;
  release(key: string, member: string): Promise<void>;
  /** Extends the lease of every member given (re-adding any that ran out meanwhile), in one round trip. */
  renew(leases: ReadonlyMap<string, readonly string[]>): Promise<void>;
}

// ARGV[1]: now in ms, or '' to read Redis TIME. Every script starts with this.
const NOW = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end`;

// KEYS[1]: the set. ARGV[2]: lease ms, ARGV[3]: limit, ARGV[4]: member. Returns 1 when held.
const ACQUIRE = `${NOW}
local lease = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) or redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[3]) then
  redis.call('ZADD', KEYS[1], now + lease, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], lease)
  return 1
end
return 0`;

// KEYS[1]: the set. ARGV[2]: lease ms, ARGV[3...]: members.
const RENEW = `${NOW}
local lease = tonumber(ARGV[2])
for i = 3, #ARGV do
  redis.call('ZADD', KEYS[1], now + lease, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], lease)
return #ARGV - 2`;

type Script = (key: string, ...args: (string | number)[]) => Promise<unknown>;
interface LeaseCommands {
  heraldLeaseAcquire: Script;
  heraldLeaseRenew: Script;
}

/** Lease sets on `redis` (the scripts are defined on it: ioredis loads them once per connection). */
export function createLeaseSets(redis: RedisClient, options: { leaseMs: number; clock?: () => number }): LeaseSets {
  const { leaseMs, clock } = options;
  if (!(Number.isInteger(leaseMs) && leaseMs > 0)) throw new RangeError(`leaseMs must be a positive integer, not ${leaseMs}`);
  redis.defineCommand('heraldLeaseAcquire', { numberOfKeys: 1, lua: ACQUIRE });
  redis.defineCommand('heraldLeaseRenew', { numberOfKeys: 1, lua: RENEW });
  const commands = redis as unknown as LeaseCommands;
  const now = () => (clock ? clock() : '');

  return {
    async acquire(key, member, limit) {
      return (await commands.heraldLeaseAcquire(key, now(), leaseMs, limit, member)) === 1;
    },
    async release(key, member) {
      await redis.zrem(key, member);
    },
    async renew(leases) {
      if (leases.size === 0) return;
      if (isCluster(redis)) {
        // a cluster pipeline may only hold keys of one node: one script per set, sent together
        await Promise.all([...leases].filter(([, members]) => members.length).map(([key, members]) => commands.heraldLeaseRenew(key, now(), leaseMs, ...members)));
        return;
      }
      const pipeline = redis.pipeline() as ChainableCommander & LeaseCommands;
      for (const [key, members] of leases) if (members.length) void pipeline.heraldLeaseRenew(key, now(), leaseMs, ...members);
      const results = (await pipeline.exec()) ?? [];
      const failed = results.find(([err]) => err);
      if (failed) throw failed[0] as Error;
    },
  };
}
