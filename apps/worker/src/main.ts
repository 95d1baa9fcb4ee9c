import { createDb, createLogger, createRedis, loadWorkerConfig, onShutdown, resolveMasterKey } from '@herald/core';
import { createResolver } from './routing/resolver.ts';
import { createDkimKeyStore } from './signing/dkim-key-store.ts';
import { sendTransaction } from './smtp/send-transaction.ts';
import { createDeliveryWorker } from './worker.ts';

/** Starts a delivery worker: parse config once, connect, process jobs, finish in-flight work on SIGTERM. */
export async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const log = createLogger('herald-worker', config.logLevel);
  const masterKey = resolveMasterKey(config, log);
  const db = createDb(config.databaseUrl);
  const redis = createRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));

  const policy = await redis.config('GET', 'maxmemory-policy').catch(() => null);
  const value = Array.isArray(policy) ? String(policy[1]) : null;
  if (value && value !== 'noeviction') {
    log.error({ maxmemoryPolicy: value }, 'Redis maxmemory-policy is not noeviction: queued jobs can be evicted. Set maxmemory-policy noeviction.');
  }

  const worker = createDeliveryWorker(
    {
      db,
      resolver: createResolver({ servers: config.dnsServers }),
      keys: createDkimKeyStore(db, masterKey),
      send: sendTransaction,
      settings: config,
      clock: () => new Date(),
      log,
    },
    { connection: redis, prefix: config.queuePrefix, concurrency: config.concurrency },
  );
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id }, 'delivery job failed'));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  log.info({ concurrency: config.concurrency, dnsServers: config.dnsServers, mxPort: config.mxPort }, 'worker started');

  onShutdown(log, 'finishing in-flight deliveries', async () => {
    await worker.close();
    redis.disconnect();
    await db.$disconnect();
  });
}
