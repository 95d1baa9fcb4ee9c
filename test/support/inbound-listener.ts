import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { createLogger, createStore, deriveFeedbackKeys, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { createInboundServer } from '../../apps/smtp/src/index.ts';
import { redisReady, SessionLimits } from '../../apps/smtp/src/session-limits.ts';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniquePrefix } from './env.ts';
import { SMTP_TEST_HOSTNAME } from './smtp-client.ts';
import { testTlsMaterial } from './submission-listener.ts';

export const TEST_BOUNCE_HOST = 'bounces.herald.test';
export const feedbackKeys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));

export interface InboundListener {
  port: number;
  /** The test database (not the listener's own when a test passed one). */
  db: Db;
  close(): Promise<void>;
}

/**
 * The inbound MX in-process on 127.0.0.1 and a free port, on the test database (or `db`), with its
 * connection limits in the test Redis under a prefix of its own and the bounce host TEST_BOUNCE_HOST.
 */
export async function startInboundListener(options: { db?: Db; maxBytes?: number; perIp?: number; recordRetryMs?: number } = {}): Promise<InboundListener> {
  const db = createDb(TEST_DATABASE_URL, { poolSize: 4 });
  const redis = new Redis(TEST_REDIS_URL, RATE_LIMIT_REDIS_OPTIONS);
  redis.on('error', () => undefined);
  await redisReady(redis, 5_000);
  const prefix = uniquePrefix('inbound-limits');
  const log = createLogger('test-inbound', process.env.HERALD_TEST_SMTP_LOG ?? 'silent');
  const limits = new SessionLimits(redis, prefix, { perIp: options.perIp ?? 50, perKey: 1, authFailures: Number.MAX_SAFE_INTEGER }, log);
  const server = createInboundServer({
    store: createStore(options.db ?? db, { log, recordRetryMs: options.recordRetryMs ?? 500 }),
    keys: [feedbackKeys.verp, feedbackKeys.unsubscribe],
    limits,
    settings: { hostname: SMTP_TEST_HOSTNAME, maxBytes: options.maxBytes ?? 1_000_000, complaintMailbox: 'fbl', bounceHost: TEST_BOUNCE_HOST },
    tls: testTlsMaterial(),
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.server.address() as AddressInfo).port,
    db,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const deadline = setTimeout(() => {
        for (const connection of server.connections as Set<{ close(): void }>) connection.close();
      }, 1_000);
      await closed;
      clearTimeout(deadline);
      await limits.stop();
      const keys = await redis.keys(`${prefix}:*`).catch(() => []);
      if (keys.length) await redis.del(...keys);
      redis.disconnect();
      await db.$disconnect();
    },
  };
}
