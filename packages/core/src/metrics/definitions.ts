import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { readSource, REDIS_POLICIES, sources, type PoolRole, type PoolSource } from './sources.ts';

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SMTP_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];
const DKIM_BUCKETS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1];
const DNS_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const WEBHOOK_BUCKETS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];
const GROUP_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256];

/**
 * Every metric Herald records, named herald_…, each label bounded: route templates, never URLs; a
 * front end's name; an outcome and a bounce category from fixed lists; a destination's MX host only
 * for the first few seen (registry.ts, destinationLabel). docs/operations.md lists them all.
 */
export function defineMetrics(registry: Registry) {
  const registers = [registry];
  return {
    httpRequestDuration: new Histogram({
      name: 'herald_http_request_duration_seconds',
      help: 'HTTP requests answered by the API, by method, route template and status, with their latency.',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: HTTP_BUCKETS,
      registers,
    }),
    messagesAccepted: new Counter({
      name: 'herald_messages_accepted_total',
      help: 'Messages accepted (committed) by intake, by front end (api, smtp, ...).',
      labelNames: ['source'] as const,
      registers,
    }),
    recipientsAccepted: new Counter({
      name: 'herald_recipients_accepted_total',
      help: 'Recipients of the messages accepted by intake, by front end.',
      labelNames: ['source'] as const,
      registers,
    }),
    deliveryAttempts: new Counter({
      name: 'herald_delivery_attempts_total',
      help: "Recipients' delivery outcomes recorded, by outcome (delivered, deferred, bounced, failed, complained) and bounce category.",
      labelNames: ['outcome', 'category'] as const,
      registers,
    }),
    smtpTransactionDuration: new Histogram({
      name: 'herald_smtp_transaction_duration_seconds',
      help: 'SMTP transactions with a remote server that answered, from the first connection try to the last reply, by destination (MX host, capped) and whether TLS was used.',
      labelNames: ['destination', 'tls'] as const,
      buckets: SMTP_BUCKETS,
      registers,
    }),
    smtpConnectFailures: new Counter({
      name: 'herald_smtp_connect_failures_total',
      help: 'Connections to a remote server that gave no session (refused, unreachable, bad greeting, TLS required and failed), by destination (capped).',
      labelNames: ['destination'] as const,
      registers,
    }),
    dkimSignDuration: new Histogram({
      name: 'herald_dkim_sign_duration_seconds',
      help: 'Time to DKIM-sign one message with every active key of its domain.',
      buckets: DKIM_BUCKETS,
      registers,
    }),
    dnsLookupDuration: new Histogram({
      name: 'herald_dns_lookup_duration_seconds',
      help: 'DNS queries sent to the servers (cache misses), by record type and result (ok, nxdomain, nodata, servfail, refused, timeout, error).',
      labelNames: ['type', 'result'] as const,
      buckets: DNS_BUCKETS,
      registers,
    }),
    webhookDuration: new Histogram({
      name: 'herald_webhook_delivery_duration_seconds',
      help: 'Webhook requests, by outcome (delivered, failed, gone, refused), with their latency.',
      labelNames: ['outcome'] as const,
      buckets: WEBHOOK_BUCKETS,
      registers,
    }),
    groupSize: new Histogram({
      name: 'herald_db_group_size',
      help: 'Items written (or read) together by one statement of a group writer, by writer.',
      labelNames: ['writer'] as const,
      buckets: GROUP_BUCKETS,
      registers,
    }),
    queueJobs: new Gauge({
      name: 'herald_queue_jobs',
      help: 'Jobs in each BullMQ queue by state (waiting, active, delayed, failed), read with getJobCounts at scrape time.',
      labelNames: ['queue', 'state'] as const,
      registers,
      aggregator: 'max',
      async collect() {
        this.reset();
        await Promise.all(
          [...sources.queues].map(async (queue) => {
            const counts = await readSource(() => queue.getJobCounts('waiting', 'active', 'delayed', 'failed'), `queue ${queue.name}`);
            if (!counts) return;
            for (const state of ['waiting', 'active', 'delayed', 'failed']) this.set({ queue: queue.name, state }, counts[state] ?? 0);
          }),
        );
      },
    }),
    dbPoolConnections: new Gauge({
      name: 'herald_db_pool_connections',
      help: "Connections of this process's Postgres pools, by state (in_use, idle) and database (primary, or replica with DATABASE_READ_URL).",
      labelNames: ['state', 'database'] as const,
      registers,
      collect() {
        this.reset();
        const totals = new Map<string, { inUse: number; idle: number }>([['primary', { inUse: 0, idle: 0 }]]);
        for (const [pool, role] of livePools()) {
          const total = totals.get(role) ?? { inUse: 0, idle: 0 };
          total.inUse += pool.totalCount - pool.idleCount;
          total.idle += pool.idleCount;
          totals.set(role, total);
        }
        for (const [database, total] of totals) {
          this.set({ state: 'in_use', database }, total.inUse);
          this.set({ state: 'idle', database }, total.idle);
        }
      },
    }),
    dbPoolWaiting: new Gauge({
      name: 'herald_db_pool_waiting',
      help: "Queries of this process waiting for a Postgres connection (the pool is at its maximum), by database (primary, replica).",
      labelNames: ['database'] as const,
      registers,
      collect() {
        this.reset();
        const waiting = new Map<string, number>([['primary', 0]]);
        for (const [pool, role] of livePools()) waiting.set(role, (waiting.get(role) ?? 0) + pool.waitingCount);
        for (const [database, count] of waiting) this.set({ database }, count);
      },
    }),
    replicaFallbacks: new Counter({
      name: 'herald_db_replica_fallbacks_total',
      help: 'Reads meant for the read replica (DATABASE_READ_URL) that went to the primary because the replica could not be reached or cancelled the query.',
      registers,
    }),
    dependencyUp: new Gauge({
      name: 'herald_dependency_up',
      help: "1 when the dependency answers this process's readiness check (postgres, redis, migrations), 0 when it does not; checked at scrape time.",
      labelNames: ['dependency'] as const,
      registers,
      aggregator: 'min',
      async collect() {
        this.reset();
        const report = sources.readiness ? await sources.readiness() : null;
        for (const [name, result] of Object.entries(report?.checks ?? {})) this.set({ dependency: name }, result === 'ok' ? 1 : 0);
      },
    }),
    redisMaxmemoryPolicy: new Gauge({
      name: 'herald_redis_maxmemory_policy',
      help: "1 for Redis' maxmemory-policy as read at scrape time (BullMQ needs noeviction); `unreadable` when CONFIG GET is refused or unanswered.",
      labelNames: ['policy'] as const,
      registers,
      aggregator: 'max',
      async collect() {
        this.reset();
        const redis = sources.redisPolicy;
        if (!redis) return;
        const answer = await readSource(() => redis.config('GET', 'maxmemory-policy') as Promise<unknown>, 'redis CONFIG GET');
        const value = Array.isArray(answer) ? String(answer[1]) : '';
        this.set({ policy: REDIS_POLICIES.has(value) ? value : 'unreadable' }, 1);
      },
    }),
    destinationsThrottled: new Gauge({
      name: 'herald_destinations_throttled',
      help: 'Destinations every worker leaves alone now because they answered 421 or "slow down" (kept in Redis, shared by all workers).',
      registers,
      aggregator: 'max',
      async collect() {
        const count = sources.throttled;
        if (!count) return;
        const value = await readSource(count, 'throttled destinations');
        if (value !== null) this.set(value);
      },
    }),
    workerDeliveries: new Gauge({
      name: 'herald_worker_deliveries',
      help: 'Deliveries of this worker by state: running (in one of its HERALD_WORKER_CONCURRENCY slots) and waiting for a slot.',
      labelNames: ['state'] as const,
      registers,
      collect() {
        const now = sources.deliveries?.();
        if (!now) return;
        this.set({ state: 'running' }, now.running);
        this.set({ state: 'waiting' }, now.waiting);
      },
    }),
    workerLargeContentBytes: new Gauge({
      name: 'herald_worker_large_content_bytes',
      help: "Bytes of large messages (read on their own, over 256 KB) this worker's deliveries hold now, under its content budget of 128 MB.",
      registers,
      collect() {
        const now = sources.deliveries?.();
        if (now) this.set(now.largeContentBytes);
      },
    }),
  };
}

export type HeraldMetrics = ReturnType<typeof defineMetrics>;

function* livePools(): Generator<[PoolSource, PoolRole]> {
  for (const [pool, role] of sources.pools) {
    if (pool.ended) sources.pools.delete(pool);
    else yield [pool, role];
  }
}

/** A metric with collection off: every call does nothing. */
const noop = {
  inc: () => undefined,
  dec: () => undefined,
  set: () => undefined,
  observe: () => undefined,
  reset: () => undefined,
  startTimer: () => () => 0,
  labels: () => noop,
};

/** The same shape as `metrics`, every metric a no-op (HERALD_METRICS=false). */
export function noopMetrics(metrics: HeraldMetrics): HeraldMetrics {
  return Object.fromEntries(Object.keys(metrics).map((name) => [name, noop])) as unknown as HeraldMetrics;
}
