import { Redis } from 'ioredis';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { heraldEnv, uniquePrefix } from '@herald/test/support/env.ts';
import { addDomain, createProject, verifyDomain } from '@herald/test/support/herald-stack.ts';
import { freePort, runHerald, startHerald, type HeraldProcess } from '@herald/test/support/herald-process.ts';
import { randomLoopback, TEST_MX_PORT } from '@herald/test/support/mx-sink.ts';
import { throwawayDatabase, type ThrowawayDatabase } from '@herald/test/support/throwaway-database.ts';
import { withDescendants } from '@herald/test/support/proc.ts';
import { recommendedProcessEnv } from '../packages/cli/src/process-env.ts';
import { pidsNamed, type CpuGroups } from './cpu.ts';
import { ONE_DOMAIN, RECIPIENT_DOMAINS } from './messages.ts';
import { startSink, type Sink } from './sink-client.ts';

export interface BenchHerald {
  dns: TestDnsServer;
  sink: Sink;
  database: ThrowawayDatabase;
  env: NodeJS.ProcessEnv;
  apiUrl: string;
  apiKey: string;
  from: string;
  api: HeraldProcess;
  workers: HeraldProcess[];
  startWorkers(count: number): Promise<void>;
  /** Stops every worker (in-flight deliveries finish, sessions close). */
  stopWorkers(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The settings the benchmark starts Herald with (`npm run bench`, `npm run bench:rounds`): production,
 * logs at warn, the rate limits and size limits out of the way, BENCH_API_PROCESSES API processes (1)
 * and metrics unless BENCH_METRICS=off; any HERALD_* variable of the environment overrides them.
 */
export function benchSettings(): Record<string, string | number> {
  return {
    HERALD_ENV: 'production',
    HERALD_LOG_LEVEL: 'warn',
    HERALD_RATE_LIMIT_PER_KEY: 1_000_000,
    HERALD_RATE_LIMIT_PER_PROJECT: 1_000_000,
    HERALD_MAX_MESSAGE_BYTES: 40 * 2 ** 20,
    HERALD_API_BODY_LIMIT_BYTES: 48 * 2 ** 20,
    HERALD_API_PROCESSES: BENCH_API_PROCESSES,
    HERALD_METRICS: BENCH_METRICS === 'on' ? 'true' : 'false',
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('HERALD_')) as [string, string][]),
  };
}

/** API processes the benchmark starts (BENCH_API_PROCESSES, default 1). */
export const BENCH_API_PROCESSES = Number(process.env.BENCH_API_PROCESSES ?? 1);
/** Prometheus metrics collected in every process, or not at all (BENCH_METRICS=off). */
export const BENCH_METRICS = process.env.BENCH_METRICS === 'off' ? 'off' : 'on';

/**
 * The processes whose CPU is Herald's own, the measure (not the sink's or the load
 * generator's): the API with its children, the workers, Postgres and Redis.
 */
export function heraldCpuGroups(herald: BenchHerald): CpuGroups {
  return {
    api: () => withDescendants(herald.api.child.pid as number),
    workers: () => herald.workers.map((w) => w.child.pid as number),
    postgres: () => pidsNamed('postgres'),
    redis: () => pidsNamed('redis-server'),
  };
}

/** CPU micro-seconds per message of Herald's own processes (heraldCpuGroups), from a CpuMeter's seconds by group. */
export function heraldMicrosPerMessage(seconds: Record<string, number>, messages: number): number {
  return Math.round((1e6 * HERALD_GROUPS.reduce((sum, group) => sum + (seconds[group] ?? 0), 0)) / messages);
}
const HERALD_GROUPS = ['api', 'workers', 'postgres', 'redis'];

/**
 * Herald as the README starts it, on this machine's Postgres and Redis (a database and a queue prefix
 * of its own): the DNS server, the sink as the MX of ten recipient domains and (at an address of its own) of the one destination, a project and a verified
 * sending domain with an RSA-2048 DKIM key made with the CLI, and the API. Workers start later.
 */
export async function startBenchHerald(settings: Record<string, string | number>): Promise<BenchHerald> {
  const dns = await startDnsServer();
  const host = randomLoopback();
  let oneHost = randomLoopback();
  while (oneHost === host) oneHost = randomLoopback();
  const sink = await startSink(host, oneHost, TEST_MX_PORT);
  for (const domain of [...RECIPIENT_DOMAINS, ONE_DOMAIN]) {
    dns.set(domain, [{ type: 'MX', preference: 10, exchange: `mx.${domain}` }]);
    // the one destination's MX host has an address of its own: the sink counts its connections apart
    dns.set(`mx.${domain}`, [{ type: 'A', address: domain === ONE_DOMAIN ? sink.oneHost : sink.host }]);
  }
  const database = throwawayDatabase('bench');
  const port = await freePort();
  const env = heraldEnv({
    DATABASE_URL: database.url,
    HERALD_API_PORT: port,
    HERALD_QUEUE_PREFIX: uniquePrefix('bench'),
    HERALD_DNS_SERVERS: dns.address,
    HERALD_MX_PORT: sink.port,
    ...settings,
  });
  const migrated = await runHerald(['migrate'], env);
  if (migrated.code !== 0) throw new Error(`herald migrate failed:\n${migrated.stderr}`);
  const senderDomain = 'shop.bench.example';
  const { apiKey, projectId } = await createProject('bench', env);
  dns.set(...(await addDomain(projectId, senderDomain, env)));
  await verifyDomain(projectId, senderDomain, env);
  // Herald's processes as `herald start all` and the Docker image run them (packages/cli/src/process-env.ts)
  const api = await startHerald('api', recommendedProcessEnv(env, 'api'));
  const workers: HeraldProcess[] = [];
  return {
    dns,
    sink,
    database,
    env,
    apiUrl: `http://127.0.0.1:${port}`,
    apiKey,
    from: `orders@${senderDomain}`,
    api,
    workers,
    async startWorkers(count) {
      // each worker with its probe port: readiness is its /healthz (the log is quiet at level warn)
      const ports = [];
      for (let i = 0; i < count; i++) ports.push(await freePort());
      workers.push(...(await Promise.all(ports.map((p) => startHerald('worker', recommendedProcessEnv({ ...env, HERALD_WORKER_HEALTH_PORT: String(p) }, 'worker'))))));
    },
    async stopWorkers() {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
    },
    async stop() {
      await Promise.all([api.stop(), ...workers.map((w) => w.stop())]);
      await sink.stop();
      await dns.close();
      await database.drop();
      await dropKeys(env.REDIS_URL as string, env.HERALD_QUEUE_PREFIX as string);
    },
  };
}

/** Deletes every Redis key under the run's prefix (its queues, limits and caches): the machine's Redis is shared. */
async function dropKeys(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
