import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '@herald/api';
import { createSessionStore } from '@herald/api/dashboard/session-store';
import {
  addDomain,
  apiSettings,
  createStore,
  createLogger,
  createProject,
  createResolver,
  domainSettings,
  parseSettings,
  standardReadinessChecks,
  UNCACHED,
  type ApiConfig,
  type Db,
  type EnqueuedDelivery,
  type Logger,
  type Store,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { Redis } from 'ioredis';
import { createDailyQuota } from '@herald/core/limits/daily-quota';
import { createRateLimiter } from '@herald/core/limits/rate-limiter';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniqueName, uniquePrefix } from './env.ts';

export interface TestApi {
  app: FastifyInstance;
  db: Db;
  store: Store;
  config: ApiConfig;
  /** Jobs the API enqueued, in order, with their delays. */
  jobs: EnqueuedDelivery[];
  /** Makes the next enqueue calls fail (as if Redis were down) while true. */
  failEnqueue: { value: boolean };
  close(): Promise<void>;
}

/** The API built in-process (app.inject) on the real test database; the queue is captured; silent unless given a logger. */
export async function buildTestApi(env: Record<string, string> = {}, options: { log?: Logger; queueBoard?: AppDeps['queueBoard']; dashboard?: boolean; redisPrefix?: string } = {}): Promise<TestApi> {
  const config = parseSettings(apiSettings, { DATABASE_URL: TEST_DATABASE_URL, HERALD_MASTER_KEY: TEST_MASTER_KEY, ...env });
  const db = createDb(config.databaseUrl, { poolSize: 4 });
  // with DATABASE_READ_URL, the lists and statistics read from that replica, as in production
  const readDb = config.databaseReadUrl ? createDb(config.databaseReadUrl, { poolSize: 4, role: 'replica' }) : undefined;
  const store = createStore(db, { readDb });
  const jobs: EnqueuedDelivery[] = [];
  const failEnqueue = { value: false };
  const limitsRedis = new Redis(TEST_REDIS_URL);
  // two APIs given the same prefix share their limits and sessions, as two API processes do
  const prefix = options.redisPrefix ?? uniquePrefix('api');
  const app = await buildApp({
    config,
    db,
    store,
    log: options.log ?? createLogger('test-api', 'silent'),
    enqueue: async (batch) => {
      if (failEnqueue.value) throw new Error('redis is down');
      jobs.push(...batch);
    },
    readiness: standardReadinessChecks(db, limitsRedis),
    resolver: createResolver({ servers: config.dnsServers.length ? config.dnsServers : ['127.0.0.1:9'], timeoutMs: 500, tries: 1, cache: UNCACHED }),
    masterKey: Buffer.from(TEST_MASTER_KEY, 'base64'),
    domainSettings: domainSettings(config),
    limits: { rateLimiter: createRateLimiter(limitsRedis, `${prefix}:rate`), dailyQuota: createDailyQuota(limitsRedis, prefix) },
    queueBoard: options.queueBoard,
    // the web interface, its sessions under the test's own prefix
    ...(options.dashboard ? { dashboard: { sessions: createSessionStore(limitsRedis, prefix, config.dashboardSessionTtlMs) } } : {}),
  });
  await app.ready();
  return {
    app,
    db,
    store,
    config,
    jobs,
    failEnqueue,
    async close() {
      await app.close();
      await db.$disconnect();
      await readDb?.$disconnect();
      const keys = await limitsRedis.keys(`${prefix}:*`);
      if (keys.length) await limitsRedis.del(...keys);
      limitsRedis.disconnect();
    },
  };
}

export interface TestProject {
  id: string;
  apiKeyId: string;
  key: string;
  domain: string;
  auth: { authorization: string };
}

/**
 * A project of its own with a full-access key and one sending domain, verified (as if its DKIM record
 * had been found) unless `verified: false`.
 */
export async function seedProject(db: Db, label = 'api', options: { verified?: boolean } = {}): Promise<TestProject> {
  const created = await createProject(db, uniqueName(label));
  const domain = `${uniqueName(label)}.example`;
  const added = await addDomain(db, Buffer.from(TEST_MASTER_KEY, 'base64'), created.project.id, domain);
  if (options.verified !== false) {
    await db.domain.update({ where: { id: added.id }, data: { status: 'verified', verifiedAt: new Date() } });
  }
  return {
    id: created.project.id,
    apiKeyId: created.apiKey.id,
    key: created.apiKey.key,
    domain,
    auth: { authorization: `Bearer ${created.apiKey.key}` },
  };
}

/** Rows a project has, to show a refused request stored nothing. */
export async function countProjectRows(db: Db, projectId: string): Promise<{ messages: number; recipients: number; events: number }> {
  const [messages, recipients, events] = await Promise.all([
    db.message.count({ where: { projectId } }),
    db.recipient.count({ where: { projectId } }),
    db.event.count({ where: { projectId } }),
  ]);
  return { messages, recipients, events };
}
