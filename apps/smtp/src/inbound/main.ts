import {
  createLogger,
  createStore,
  deriveFeedbackKeys,
  loadInboundConfig,
  metricsAccessCheck,
  onShutdown,
  resolveMasterKey,
  runReadinessChecks,
  standardReadinessChecks,
  startHealthServer,
  startMetrics,
  watchDependencies,
  connectRedis,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { redisReady, SessionLimits } from '../session-limits.ts';
import { tlsMaterial } from '../tls-material.ts';
import { createInboundServer } from './inbound-server.ts';

/** While Postgres is down a notification's write is retried this long before the sender is told 451 (it retries later). */
const INBOUND_RECORD_RETRY_MS = 15_000;

/** Starts the inbound MX (`herald start inbound`) and, when HERALD_INBOUND_HEALTH_PORT is set, its probes. */
export async function main(): Promise<void> {
  const config = loadInboundConfig();
  const log = createLogger('herald-inbound', config.logLevel);
  startMetrics({ enabled: config.metrics, destinations: config.metricsDestinations });
  const db = createDb(config.databaseUrl, { pooler: config.databasePooler });
  const redis = connectRedis(config.redisUrl, { ...RATE_LIMIT_REDIS_OPTIONS, enableAutoPipelining: true });
  redis.on('error', () => undefined);
  if (!(await redisReady(redis, 2_000))) log.warn('Redis is not reachable: inbound connection limits are not enforced until it is');
  const keys = deriveFeedbackKeys(resolveMasterKey(config, log));
  const tls = tlsMaterial({ ...config, smtpHostname: config.inboundHostname });
  if (tls.selfSigned) log.warn({ hostname: config.inboundHostname }, 'inbound MX uses a self-signed certificate (set HERALD_SMTP_TLS_CERT_FILE and HERALD_SMTP_TLS_KEY_FILE)');
  if (!config.bounceHost) log.warn('HERALD_BOUNCE_HOST is not set: the inbound MX takes mail only at sending domains and their return-path hosts');

  const limits = new SessionLimits(redis, `${config.queuePrefix}:inbound`, { perIp: config.inboundMaxConnectionsPerIp, perKey: 1, authFailures: Number.MAX_SAFE_INTEGER }, log);
  const server = createInboundServer({
    store: createStore(db, { log, recordRetryMs: INBOUND_RECORD_RETRY_MS }),
    keys: [keys.verp, keys.unsubscribe],
    limits,
    settings: { hostname: config.inboundHostname, maxBytes: config.inboundMaxBytes, complaintMailbox: config.complaintMailbox, bounceHost: config.bounceHost },
    tls,
    log,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.inboundPort, config.inboundHost, () => resolve());
  });
  const readiness = standardReadinessChecks(db, redis);
  watchDependencies(() => runReadinessChecks(readiness));
  const health = config.inboundHealthPort
    ? await startHealthServer(readiness, { host: config.inboundHost, port: config.inboundHealthPort, metrics: metricsAccessCheck(config) })
    : null;
  log.info({ host: config.inboundHost, port: config.inboundPort, health: health ? config.inboundHealthPort : null, bounceHost: config.bounceHost ?? null }, 'inbound MX started');

  onShutdown(log, 'closing inbound SMTP sessions', async () => {
    health?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await limits.stop();
    redis.disconnect();
    await db.$disconnect();
  }, { timeoutMs: config.shutdownTimeoutMs });
}
