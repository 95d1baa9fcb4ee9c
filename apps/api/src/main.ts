import {
  createStore,
  createDeliveryQueues,
  createLogger,
  createRedis,
  createResolver,
  domainSettings,
  enqueueDeliveries,
  loadApiConfig,
  runReadinessChecks,
  startMetrics,
  watchDependencies,
  onShutdown,
  pendingMigrations,
  replicaCheck,
  resolveMasterKey,
  standardReadinessChecks,
  UNCACHED,
  connectRedis,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { createDailyQuota } from '@herald/core/limits/daily-quota';
import { createRateLimiter, RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { buildApp } from './app.ts';
import { createSessionStore } from './dashboard/session/session-store.ts';
import { createQueueOverview } from './dashboard/queue-overview.ts';

/** Starts the HTTP API: parse config once, connect, listen, drain on SIGTERM/SIGINT. */
export async function main(): Promise<void> {
  const config = loadApiConfig();
  const log = createLogger('herald-api', config.logLevel);
  startMetrics({ enabled: config.metrics, destinations: config.metricsDestinations });
  const db = createDb(config.databaseUrl, { pooler: config.databasePooler });
  // reads that may lag go to the replica (docs/read-replica.md); everything else stays on db
  const readDb = config.databaseReadUrl ? createDb(config.databaseReadUrl, { role: 'replica', pooler: config.databasePooler }) : undefined;
  const redis = createRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queues = createDeliveryQueues(redis, config.queuePrefix);
  // auto-pipelined: the limits of concurrent requests go to Redis in one write, not one each
  const limitsRedis = connectRedis(config.redisUrl, { ...RATE_LIMIT_REDIS_OPTIONS, enableAutoPipelining: true });
  limitsRedis.on('error', () => undefined); // the rate-limit hook logs outages itself

  const pending = await pendingMigrations(config.databaseDirectUrl ?? config.databaseUrl).catch(() => []);
  if (pending.length > 0) log.warn({ pending }, 'database migrations are pending: run `herald migrate`');

  const readiness = standardReadinessChecks(db, redis);
  // the replica is watched (herald_dependency_up{dependency="postgres_replica"}) but is no part of
  // readiness: while it is down its reads go to the primary, and the API still answers everything
  const watched = readDb ? { ...readiness, postgres_replica: replicaCheck(readDb) } : readiness;
  watchDependencies(() => runReadinessChecks(watched));
  const app = await buildApp({
    config,
    db,
    store: createStore(db, { log, readDb }),
    log,
    enqueue: (jobs) => enqueueDeliveries(queues, jobs),
    // verification must see a record the moment it is published: no caching here
    resolver: createResolver({ servers: config.dnsServers, cache: UNCACHED }),
    masterKey: resolveMasterKey(config, log),
    domainSettings: domainSettings(config),
    limits: {
      // its own connection, failing fast: a dead Redis must not hold requests (they then go unlimited)
      rateLimiter: createRateLimiter(limitsRedis, `${config.queuePrefix}:rate`),
      dailyQuota: createDailyQuota(limitsRedis, config.queuePrefix),
    },
    readiness,
    queueBoard: { queues: [queues.single, queues.batches] },
    dashboard: {
      sessions: createSessionStore(redis, config.queuePrefix, config.dashboardSessionTtlMs),
      queues: createQueueOverview(queues, redis, config.queuePrefix),
    },
  });
  await app.listen({ host: config.host, port: config.port });

  onShutdown(log, 'draining in-flight requests', async () => {
    // in-flight requests are answered; keep-alive connections are closed as soon as they go idle (Node
    // closes only those idle at the moment close() starts; new requests on them get 503 meanwhile)
    const idle = setInterval(() => app.server.closeIdleConnections(), 100);
    await app.close();
    clearInterval(idle);
    await queues.close();
    redis.disconnect();
    limitsRedis.disconnect();
    await db.$disconnect();
    await readDb?.$disconnect();
  }, { timeoutMs: config.shutdownTimeoutMs });
}
