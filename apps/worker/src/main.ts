import { readFileSync } from 'node:fs';
import { createDb, createLogger, createRedis, createResolver, domainSettings, loadWorkerConfig, onShutdown, resolveMasterKey } from '@herald/core';
import { startMaintenance } from './maintenance/maintenance-worker.ts';
import { startWebhookDispatcher } from './webhooks/dispatch-webhooks.ts';
import type { DeliveryDeps } from './delivery/attempt.ts';
import { parseRelayUrl } from './routing/relay.ts';

import { createDkimKeyStore } from './signing/dkim-key-store.ts';
import { releaseLeaseOnClose } from './smtp/deliver-to-destinations.ts';
import { createRedisDestinationLimits } from './smtp/destination-limits.ts';
import { createSessionPool, DEFAULT_POOL_LIMITS } from './smtp/session-pool.ts';
import { createPolicyFetcher } from './tls-policy/fetch-policy.ts';
import { createMtaSts } from './tls-policy/mta-sts.ts';
import { createRedisPolicyCache } from './tls-policy/policy-cache.ts';
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

  const limits = createRedisDestinationLimits(redis, config.queuePrefix, {
    maxConnections: config.maxConnectionsPerDestination,
    leaseMs: config.smtpDataTimeoutMs + DEFAULT_POOL_LIMITS.maxAgeMs,
    backoffBaseMs: config.throttleBackoffMs,
    backoffMaxMs: config.throttleBackoffMaxMs,
  });
  const pool = createSessionPool(DEFAULT_POOL_LIMITS, releaseLeaseOnClose(limits));
  const resolver = createResolver({ servers: config.dnsServers });
  const ca = config.tlsCaFile ? readFileSync(config.tlsCaFile, 'utf8') : undefined;

  const deps: DeliveryDeps = {
    db,
    resolver,
    keys: createDkimKeyStore(db, masterKey),
    smtp: {
      pool,
      limits,
      heloName: config.heloName,
      timeouts: {
        connectMs: config.smtpConnectTimeoutMs,
        greetingMs: config.smtpGreetingTimeoutMs,
        commandMs: config.smtpCommandTimeoutMs,
        dataMs: config.smtpDataTimeoutMs,
      },
      ca,
      clock: () => new Date(),
      log,
    },
    tlsPolicy: config.mtaSts
      ? createMtaSts({
          resolver,
          fetch: createPolicyFetcher({ resolver, port: config.mtaStsPort, extraCa: ca }),
          cache: createRedisPolicyCache(redis, `${config.queuePrefix}:mta-sts`),
          clock: () => new Date(),
          log,
        })
      : undefined,
    relay: config.relayUrl ? parseRelayUrl(config.relayUrl) : null,
    masterKey,
    settings: config,
    clock: () => new Date(),
    log,
  };
  const worker = createDeliveryWorker(deps, { connection: redis, prefix: config.queuePrefix, concurrency: config.concurrency });
  worker.on('failed', (job, err) => log.error({ err, jobId: job?.id }, 'delivery job failed'));
  worker.on('error', (err) => log.error({ err }, 'worker error'));
  log.info(
    { concurrency: config.concurrency, dnsServers: config.dnsServers, mxPort: config.mxPort, relay: deps.relay ? deps.relay.host : null },
    'worker started',
  );

  const maintenance = await startMaintenance(
    { db, resolver, settings: domainSettings(config), recheckMs: config.domainRecheckMs, clock: () => new Date(), log },
    { connection: redis, prefix: config.queuePrefix },
  );

  const webhooks = startWebhookDispatcher(
    {
      db,
      resolver,
      masterKey,
      policy: { retrySchedule: config.webhookRetrySchedule, disableAfterMs: config.webhookDisableAfterMs },
      http: { timeoutMs: config.webhookTimeoutMs, allowHttp: config.webhookAllowHttp, allowedHosts: config.webhookAllowedHosts, ca },
      clock: () => new Date(),
      log,
    },
    { pollMs: 1_000, concurrency: config.webhookConcurrency },
  );

  onShutdown(log, 'finishing in-flight deliveries', async () => {
    await worker.close();
    await webhooks.stop();
    await maintenance.close();
    await pool.closeAll();
    redis.disconnect();
    await db.$disconnect();
  });
}
