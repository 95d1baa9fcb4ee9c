import { Redis } from 'ioredis';
import { createLogger } from '@herald/core';
import { releaseLeaseOnClose, type SmtpDeps } from '../../apps/worker/src/smtp/deliver-to-destinations.ts';
import { createRedisDestinationLimits, type LimitSettings } from '../../apps/worker/src/smtp/destination-limits.ts';
import { createSessionPool, DEFAULT_POOL_LIMITS, type PoolLimits } from '../../apps/worker/src/smtp/session-pool.ts';
import { TEST_REDIS_URL, uniquePrefix } from './env.ts';

export const TEST_TIMEOUTS = { connectMs: 2_000, greetingMs: 2_000, commandMs: 5_000, dataMs: 5_000 };

/** The SMTP layer as the worker builds it — session pool, Redis connection limits and backoff — for tests. */
export function testSmtpDeps(options: { limits?: Partial<LimitSettings>; pool?: Partial<PoolLimits>; ca?: string } = {}) {
  const redis = new Redis(TEST_REDIS_URL);
  const prefix = uniquePrefix('smtp');
  const limits = createRedisDestinationLimits(redis, prefix, {
    maxConnections: 20,
    leaseMs: 60_000,
    backoffBaseMs: 60_000,
    backoffMaxMs: 600_000,
    ...options.limits,
  });
  const pool = createSessionPool({ ...DEFAULT_POOL_LIMITS, ...options.pool }, releaseLeaseOnClose(limits));
  const deps: SmtpDeps = {
    pool,
    limits,
    heloName: 'herald-test.local',
    timeouts: TEST_TIMEOUTS,
    ca: options.ca,
    clock: () => new Date(),
    log: createLogger('test-smtp', 'silent'),
  };
  return {
    deps,
    limits,
    pool,
    redis,
    async close() {
      await pool.closeAll();
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
    },
  };
}
