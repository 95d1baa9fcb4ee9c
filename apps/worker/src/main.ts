import type { RedisClient } from '@herald/core';
import { readFileSync } from 'node:fs';
import {
  createSqlDb,
  createStore,
  createDeliveryQueues,
  enqueueDeliveries,
  createLogger,
  createRedis,
  createResolver,
  domainSettings,
  loadWorkerConfig,
  metricsAccessCheck,
  runReadinessChecks,
  startHealthServer,
  startMetrics,
  watchDeliveries,
  watchDependencies,
  watchQueues,
  watchRedisPolicy,
  watchThrottledDestinations,
  onShutdown,
  resolveMasterKey,
  standardReadinessChecks,
  type Log,
} from '@herald/core';
import { startSweeper } from './recovery/sweeper.ts';
import { startMaintenance } from './maintenance/maintenance-worker.ts';
import { startWebhookDispatcher } from './webhooks/dispatch-webhooks.ts';
import type { DeliveryDeps } from './delivery/attempt.ts';
import { FifoBudget } from './delivery/fifo-budget.ts';
import { LARGE_CONTENT_BUDGET_BYTES } from './delivery/steps/load.ts';
import { parseRelayUrl } from './routing/relay.ts';

import { createDkimKeyStore } from './signing/dkim-key-store.ts';
import { releaseLeaseOnClose } from './smtp/deliver-to-destinations.ts';
import { countThrottledDestinations, createRedisDestinationLimits } from './smtp/destination-limits.ts';
import { listenForFreedSlots } from './smtp/freed-slots.ts';
import { createSessionPool, DEFAULT_POOL_LIMITS } from './smtp/session-pool.ts';
import { renewHeldSlots } from './smtp/slot-renewal.ts';
import { createPolicyFetcher } from './tls-policy/fetch-policy.ts';
import { createMtaSts } from './tls-policy/mta-sts.ts';
import { createRedisPolicyCache, memoPolicyCache } from './tls-policy/policy-cache.ts';
import { createDeliveryWorkers } from './worker.ts';

/** Starts a delivery worker: parse config once, connect, process jobs, finish in-flight work on SIGTERM. */
export async function main(): Promise<void> {
  const config = loadWorkerConfig();
  const log = createLogger('herald-worker', config.logLevel);
  startMetrics({ enabled: config.metrics, destinations: config.metricsDestinations });
  const masterKey = resolveMasterKey(config, log);
  // no Prisma client: everything a worker does is plain SQL, and the ORM would hold about 80 MB of the
  // worker's memory (its generated client, and its query compiler from the first query on: docs/performance.md)
  const db = createSqlDb(config.databaseUrl, { pooler: config.databasePooler });
  const store = createStore(db, { log });
  const redis = createRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));

  await warnUnlessNoEviction(redis, log);

  // connection slots are renewed while held, so a killed worker's free themselves as soon as its jobs
  // go to another worker (HERALD_JOB_LOCK_TIMEOUT)
  const limits = renewHeldSlots(
    createRedisDestinationLimits(redis, config.queuePrefix, {
      maxConnections: config.maxConnectionsPerDestination,
      leaseMs: config.jobLockMs,
      backoffBaseMs: config.throttleBackoffMs,
      backoffMaxMs: config.throttleBackoffMaxMs,
    }),
    { leaseMs: config.jobLockMs, log },
  );
  // as many idle sessions per server address as deliveries may want at once: a busy worker reuses its
  // connections instead of opening (and STARTTLS-handshaking) new ones. An address may serve several MX
  // host names (each under its own connection limit), so its sessions may number more than one limit;
  // a batch's deliveries end together, and a smaller cap closed most of their sessions just before the
  // next batch opened as many again. Idle ones still close after 5 s.
  const maxIdlePerKey = Math.max(DEFAULT_POOL_LIMITS.maxIdlePerKey, config.concurrency);
  const pool = createSessionPool({ ...DEFAULT_POOL_LIMITS, maxIdlePerKey }, releaseLeaseOnClose(limits));
  // a slot another worker gives back wakes a delivery here waiting for that destination
  const stopHearingFreedSlots = listenForFreedSlots(redis, config.queuePrefix, (destination) => pool.slotFreed(destination), log);
  const resolver = createResolver({ servers: config.dnsServers });
  const ca = config.tlsCaFile ? readFileSync(config.tlsCaFile, 'utf8') : undefined;

  const deps: DeliveryDeps = {
    db,
    store,
    contentBudget: new FifoBudget(LARGE_CONTENT_BUDGET_BYTES),
    resolver,
    keys: createDkimKeyStore(db, masterKey),
    smtp: {
      pool,
      limits,
      hearsFreedSlots: true,
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
          // read from Redis at most every 30 s per domain and worker: no Redis round trip per message
          cache: memoPolicyCache(createRedisPolicyCache(redis, `${config.queuePrefix}:mta-sts`), 30_000),
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
  const queues = createDeliveryQueues(redis, config.queuePrefix);
  const workers = createDeliveryWorkers(deps, {
    connection: redis,
    prefix: config.queuePrefix,
    concurrency: config.concurrency,
    lockMs: config.jobLockMs,
    enqueue: (jobs) => enqueueDeliveries(queues, jobs),
  });
  for (const worker of [workers.single, workers.batches]) {
    worker.on('failed', (job, err) => log.error({ err, jobId: job?.id }, 'delivery job failed'));
    worker.on('error', (err) => log.error({ err }, 'worker error'));
    worker.on('stalled', (jobId) => log.warn({ jobId }, 'delivery job stalled (the worker running it stopped renewing its lock); it runs again'));
  }

  const maintenance = await startMaintenance(
    {
      recheck: { db, resolver, settings: domainSettings(config), recheckMs: config.domainRecheckMs, clock: () => new Date(), log },
      retention: { db, rawRetentionMs: config.rawRetentionMs, eventRetentionMs: config.eventRetentionMs, clock: () => new Date(), log },
      partitions: { db, clock: () => new Date(), log },
    },
    { connection: redis, prefix: config.queuePrefix },
  );
  const sweeper = startSweeper(
    { db, queues, clock: () => new Date(), log },
    { redis, prefix: config.queuePrefix, intervalMs: config.sweepIntervalMs, graceMs: config.sweepGraceMs, afterSweep: maintenance.ensureScheduled },
  );
  // read at scrape time: the queues' job counts, Postgres and Redis answering, Redis' eviction policy, throttled destinations,
  // this worker's deliveries and the large messages they hold
  const readiness = standardReadinessChecks(db, redis);
  watchQueues([queues.single, queues.batches]);
  watchDependencies(() => runReadinessChecks(readiness));
  watchRedisPolicy(redis);
  watchThrottledDestinations(countThrottledDestinations(redis, config.queuePrefix));
  watchDeliveries(() => ({ running: workers.slots.busy, waiting: workers.slots.queued, largeContentBytes: deps.contentBudget?.inUse ?? 0 }));
  const health = config.healthPort
    ? await startHealthServer(readiness, { host: config.healthHost, port: config.healthPort, metrics: metricsAccessCheck(config) })
    : null;

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

  log.info(
    {
      concurrency: config.concurrency,
      dnsServers: config.dnsServers,
      mxPort: config.mxPort,
      relay: deps.relay ? deps.relay.host : null,
      health: health ? `${config.healthHost}:${config.healthPort}` : null,
    },
    'worker started',
  );

  onShutdown(
    log,
    'finishing in-flight deliveries',
    async () => {
      await sweeper.stop();
      await Promise.all([workers.close(), webhooks.stop(), maintenance.close()]);
      await pool.closeAll();
      await limits.leave().catch(() => undefined);
      await stopHearingFreedSlots();
      limits.stop();
      await queues.close();
      health?.close();
      redis.disconnect();
      await db.$disconnect();
    },
    { timeoutMs: config.shutdownTimeoutMs },
  );
}

/** Queued jobs live only in Redis until they run: an evicting Redis would lose them (the sweeper would find them later). */
async function warnUnlessNoEviction(redis: RedisClient, log: Log): Promise<void> {
  const policy = await redis.config('GET', 'maxmemory-policy').catch(() => null);
  const value = Array.isArray(policy) ? String(policy[1]) : null;
  if (value && value !== 'noeviction') {
    log.error(
      { maxmemoryPolicy: value },
      'Redis maxmemory-policy is not noeviction: queued jobs can be evicted and are then only recovered by the sweeper. Set maxmemory-policy noeviction.',
    );
  }
}
