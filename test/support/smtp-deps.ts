import { Redis } from 'ioredis';
import { createLogger } from '@herald/core';
import { releaseLeaseOnClose, type SmtpDeps } from '../../apps/worker/src/smtp/deliver-to-destinations.ts';
import { createRedisDestinationLimits, type LimitSettings } from '../../apps/worker/src/smtp/destination-limits.ts';
import { listenForFreedSlots } from '../../apps/worker/src/smtp/freed-slots.ts';
import { createSessionPool, DEFAULT_POOL_LIMITS, type PoolLimits } from '../../apps/worker/src/smtp/session-pool.ts';
import { renewHeldSlots } from '../../apps/worker/src/smtp/slot-renewal.ts';
import { TEST_REDIS_URL, uniquePrefix } from './env.ts';

export const TEST_TIMEOUTS = { connectMs: 2_000, greetingMs: 2_000, commandMs: 5_000, dataMs: 5_000 };

/**
 * The SMTP layer as the worker builds it — session pool, Redis connection limits (slots renewed while
 * held) and backoff — for tests. Two of them with the same `prefix` are two workers sharing limits.
 */
export function testSmtpDeps(options: { limits?: Partial<LimitSettings>; pool?: Partial<PoolLimits>; ca?: string; prefix?: string; hearFreedSlots?: boolean } = {}) {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = options.prefix ?? uniquePrefix('smtp');
  const settings: LimitSettings = { maxConnections: 20, leaseMs: 60_000, backoffBaseMs: 60_000, backoffMaxMs: 600_000, ...options.limits };
  const log = createLogger('test-smtp', 'silent');
  const limits = renewHeldSlots(createRedisDestinationLimits(redis, prefix, settings), { leaseMs: settings.leaseMs, log });
  const pool = createSessionPool({ ...DEFAULT_POOL_LIMITS, ...options.pool }, releaseLeaseOnClose(limits));
  const stopHearing = options.hearFreedSlots ? listenForFreedSlots(redis, prefix, (destination) => pool.slotFreed(destination), log) : null;
  const deps: SmtpDeps = {
    pool,
    limits,
    hearsFreedSlots: !!stopHearing,
    heloName: 'herald-test.local',
    timeouts: TEST_TIMEOUTS,
    ca: options.ca,
    clock: () => new Date(),
    log,
  };
  return {
    deps,
    limits,
    pool,
    redis,
    async close() {
      await pool.closeAll();
      await limits.leave();
      await stopHearing?.();
      limits.stop();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
