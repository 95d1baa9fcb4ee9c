import {
  createDeliveryQueues,
  createLogger,
  createRedis,
  createStore,
  enqueueDeliveries,
  loadSmtpConfig,
  metricsAccessCheck,
  onShutdown,
  runReadinessChecks,
  standardReadinessChecks,
  startHealthServer,
  startMetrics,
  watchDependencies,
  connectRedis,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { createDailyQuota } from '@herald/core/limits/daily-quota';
import { RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { redisReady, SessionLimits } from './session-limits.ts';
import { createSubmissionServer } from './submission-server.ts';
import { tlsMaterial } from './tls-material.ts';

/** Starts the SMTP submission listener on its STARTTLS and implicit-TLS ports. */
export async function main(): Promise<void> {
  const config = loadSmtpConfig();
  const log = createLogger('herald-smtp', config.logLevel);
  startMetrics({ enabled: config.metrics, destinations: config.metricsDestinations });
  const db = createDb(config.databaseUrl, { pooler: config.databasePooler });
  const redis = createRedis(config.redisUrl);
  redis.on('error', (err) => log.warn({ err: err.message }, 'redis connection error'));
  // auto-pipelined: the limits of concurrent sessions go to Redis in one write, not one each
  const limitsRedis = connectRedis(config.redisUrl, { ...RATE_LIMIT_REDIS_OPTIONS, enableAutoPipelining: true });
  limitsRedis.on('error', () => undefined);
  if (!(await redisReady(limitsRedis, 2_000))) log.warn('Redis is not reachable: SMTP session limits are not enforced until it is');
  const queues = createDeliveryQueues(redis, config.queuePrefix);
  const tls = tlsMaterial(config);
  if (tls.selfSigned) log.warn({ hostname: config.smtpHostname }, 'SMTP listener uses a self-signed certificate (set HERALD_SMTP_TLS_CERT_FILE and HERALD_SMTP_TLS_KEY_FILE)');

  const limits = new SessionLimits(
    limitsRedis,
    `${config.queuePrefix}:smtp`,
    { perIp: config.smtpMaxConnectionsPerIp, perKey: config.smtpMaxConnectionsPerKey, authFailures: config.smtpMaxAuthFailures },
    log,
  );
  const deps = {
    intake: {
      store: createStore(db, { log }),
      enqueue: (jobs: Parameters<typeof enqueueDeliveries>[1]) => enqueueDeliveries(queues, jobs),
      quota: createDailyQuota(limitsRedis, config.queuePrefix),
      settings: config,
      log,
    },
    limits,
    settings: { hostname: config.smtpHostname },
    tls,
    log,
  };
  const servers = [
    { server: createSubmissionServer(deps, { secure: false }), port: config.smtpPort },
    { server: createSubmissionServer(deps, { secure: true }), port: config.smtpsPort },
  ];
  for (const { server, port } of servers) {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, config.smtpHost, () => resolve());
    });
  }
  // /healthz, /readyz and /metrics on a port of their own, as the worker's (a listener added to this process shares them)
  const readiness = standardReadinessChecks(db, redis);
  watchDependencies(() => runReadinessChecks(readiness));
  const health = config.smtpHealthPort
    ? await startHealthServer(readiness, { host: config.smtpHealthHost, port: config.smtpHealthPort, metrics: metricsAccessCheck(config) })
    : null;
  log.info(
    { host: config.smtpHost, starttls: config.smtpPort, tls: config.smtpsPort, health: health ? `${config.smtpHealthHost}:${config.smtpHealthPort}` : null },
    'smtp listener started',
  );

  onShutdown(log, 'closing SMTP sessions', async () => {
    await Promise.all(servers.map(({ server }) => new Promise<void>((resolve) => server.close(() => resolve()))));
    await limits.stop();
    health?.close();
    await queues.close();
    redis.disconnect();
    limitsRedis.disconnect();
    await db.$disconnect();
  }, { timeoutMs: config.shutdownTimeoutMs });
}
