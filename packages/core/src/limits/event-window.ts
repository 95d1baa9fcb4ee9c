import type { RedisClient } from '../queue/redis-connection.ts';
import { randomUUID } from 'node:crypto';

/**
 * Events counted over a sliding window across every process through Redis (failed logins, say): each
 * event is a member of a sorted set scored by its time; events older than the window are pruned as
 * the set is used, and the set expires one window after its last event. Time is Redis's own (TIME)
 * unless a clock is given. Each script touches one key.
 */
export interface EventWindow {
  /** Records one event now; the events within the window, this one included. */
  record(key: string): Promise<number>;
  /** The events within the window ending now. */
  count(key: string): Promise<number>;
}

// ARGV[1]: now in ms, or '' to read Redis TIME; ARGV[2]: window ms.
const NOW = `
local now = tonumber(ARGV[1])
if not now then
  local t = redis.call('TIME')
  now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local window = tonumber(ARGV[2])`;

// KEYS[1]: the set. ARGV[3]: a member of its own for this event.
const RECORD = `${NOW}
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
redis.call('PEXPIRE', KEYS[1], window)
return redis.call('ZCARD', KEYS[1])`;

const COUNT = `${NOW}
return redis.call('ZCOUNT', KEYS[1], '(' .. (now - window), '+inf')`;

type Script = (key: string, ...args: (string | number)[]) => Promise<unknown>;
interface WindowCommands {
  heraldWindowRecord: Script;
  heraldWindowCount: Script;
}

export function createEventWindow(redis: RedisClient, options: { windowMs: number; clock?: () => number }): EventWindow {
  const { windowMs, clock } = options;
  if (!(Number.isInteger(windowMs) && windowMs > 0)) throw new RangeError(`windowMs must be a positive integer, not ${windowMs}`);
  redis.defineCommand('heraldWindowRecord', { numberOfKeys: 1, lua: RECORD });
  redis.defineCommand('heraldWindowCount', { numberOfKeys: 1, lua: COUNT });
  const commands = redis as unknown as WindowCommands;
  const now = () => (clock ? clock() : '');
  return {
    async record(key) {
      return Number(await commands.heraldWindowRecord(key, now(), windowMs, randomUUID()));
    },
    async count(key) {
      return Number(await commands.heraldWindowCount(key, now(), windowMs));
    },
  };
}
