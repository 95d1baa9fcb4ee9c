import {
  createDb,
  createDeliveryQueue,
  createLogger,
  createRedis,
  createResolver,
  domainSettings,
  enqueueDeliveries,
  loadApiConfig,
  onShutdown,
  pendingMigrations,
  resolveMasterKey,
  UNCACHED,
} from '@herald/core';
import { buildApp } from './app.ts';

/** Starts the HTTP API: parse config once, connect, listen, drain on SIGTERM/SIGINT. */
export async function main(): Promise<void> {
  const config = loadApiConfig();
  const log = createLogger('herald-api', config.logLevel);
  const db = createDb(config.databaseUrl);
  const redis = createRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  const queue = createDeliveryQueue(redis, config.queuePrefix);

  const pending = await pendingMigrations(config.databaseUrl).catch(() => []);
  if (pending.length > 0) log.warn({ pending }, 'database migrations are pending: run `herald migrate`');

  const app = await buildApp({
    config,
    db,
    log,
    enqueue: (jobs) => enqueueDeliveries(queue, jobs),
    // verification must see a record the moment it is published: no caching here
    resolver: createResolver({ servers: config.dnsServers, cache: UNCACHED }),
    masterKey: resolveMasterKey(config, log),
    domainSettings: domainSettings(config),
    readiness: {
      postgres: async () => void (await db.$queryRaw`SELECT 1`),
      redis: async () => void (await redis.ping()),
    },
  });
  await app.listen({ host: config.host, port: config.port });

  onShutdown(log, 'draining in-flight requests', async () => {
    await app.close();
    await queue.close();
    redis.disconnect();
    await db.$disconnect();
  });
}
