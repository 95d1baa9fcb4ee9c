import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';

/**
 * One Redis deployment named by REDIS_URL (docs/redis-cluster.md), in one of three shapes:
 *
 * - `redis://[user:password@]host:port[/db]` (or `rediss://`, TLS): one Redis server — unchanged;
 * - `redis+cluster://[user:password@]host:port,host:port,…` (or `rediss+cluster://`): a Redis Cluster,
 *   the nodes listed being where to start (any few of them: the client learns the rest);
 * - `redis+sentinel://[user:password@]host:port,host:port,…/<master name>[?sentinel_password=…]`
 *   (or `rediss+sentinel://`): the master that those Sentinels name, followed across failovers.
 *
 * Credentials and TLS apply to every data node. Every Herald process makes its clients here, so the
 * three shapes behave alike everywhere (queues, blocking worker connections, limits, subscribers).
 */
export type RedisClient = Redis | Cluster;

export interface RedisNode {
  host: string;
  port: number;
}

export type RedisTarget =
  | { kind: 'single'; url: string }
  | { kind: 'cluster'; nodes: RedisNode[]; username?: string; password?: string; tls: boolean }
  | { kind: 'sentinel'; sentinels: RedisNode[]; name: string; username?: string; password?: string; sentinelPassword?: string; db: number; tls: boolean };

/** The URL schemes REDIS_URL may have. */
export const REDIS_URL_PATTERN = /^(rediss?|rediss?\+cluster|rediss?\+sentinel):\/\//;

const MULTI_NODE = /^(rediss?)\+(cluster|sentinel):\/\/(?:([^:@/]*)(?::([^@/]*))?@)?([^/?#@]+)(?:\/([^?#]*))?(?:\?([^#]*))?$/;

function parseNode(text: string, defaultPort: number): RedisNode {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/.exec(text.trim());
  if (!m) throw new Error(`not a host[:port]: "${text}"`);
  const port = m[3] === undefined ? defaultPort : Number(m[3]);
  if (!(port >= 1 && port <= 65_535)) throw new Error(`not a port: "${m[3]}"`);
  return { host: (m[1] ?? m[2]) as string, port };
}

/** What REDIS_URL names; throws (with the reason, never the password) when it is malformed. */
export function parseRedisUrl(url: string): RedisTarget {
  if (/^rediss?:\/\//.test(url)) return { kind: 'single', url };
  const m = MULTI_NODE.exec(url);
  if (!m) throw new Error('REDIS_URL must be redis://, rediss://, redis+cluster://host:port,… or redis+sentinel://host:port,…/<master name>');
  const [, scheme, kind, user, pass, hosts, path, query] = m;
  const credentials = {
    ...(user ? { username: decodeURIComponent(user) } : {}),
    ...(pass !== undefined && pass !== '' ? { password: decodeURIComponent(pass) } : {}),
  };
  const tls = scheme === 'rediss';
  const nodes = (hosts as string).split(',').filter((h) => h.trim() !== '');
  if (nodes.length === 0) throw new Error('REDIS_URL lists no node');
  if (kind === 'cluster') {
    if (path) throw new Error('a redis+cluster:// URL takes no database or path (Redis Cluster has only database 0)');
    return { kind: 'cluster', nodes: nodes.map((n) => parseNode(n, 6379)), ...credentials, tls };
  }
  const [name, db] = (path ?? '').split('/');
  if (!name) throw new Error('a redis+sentinel:// URL names the master after the hosts: redis+sentinel://host:26379,host:26379/mymaster');
  const params = new URLSearchParams(query ?? '');
  const sentinelPassword = params.get('sentinel_password') ?? undefined;
  return {
    kind: 'sentinel',
    sentinels: nodes.map((n) => parseNode(n, 26_379)),
    name: decodeURIComponent(name),
    ...credentials,
    ...(sentinelPassword ? { sentinelPassword } : {}),
    db: db ? Number(db) : 0,
    tls,
  };
}

/**
 * A client for REDIS_URL with `options` (per node on a cluster): a Redis, or a Cluster when the URL
 * names one. `clusterOptions` adds cluster-wide options (offline queue, auto-pipelining).
 */
export function connectRedis(url: string, options: RedisOptions = {}): RedisClient {
  const target = parseRedisUrl(url);
  switch (target.kind) {
    case 'single':
      return new Redis(url, options);
    case 'sentinel':
      return new Redis({
        ...options,
        sentinels: target.sentinels,
        name: target.name,
        db: target.db,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
        ...(target.tls ? { tls: {}, enableTLSForSentinelMode: true, sentinelTLS: {} } : {}),
      });
    case 'cluster': {
      const redisOptions: RedisOptions = {
        ...options,
        ...(target.username ? { username: target.username } : {}),
        ...(target.password ? { password: target.password } : {}),
        ...(target.tls ? { tls: {} } : {}),
      };
      const clusterOptions: ClusterOptions = {
        redisOptions,
        lazyConnect: options.lazyConnect ?? false,
        enableOfflineQueue: options.enableOfflineQueue ?? true,
        enableAutoPipelining: options.enableAutoPipelining ?? false,
        // while a failed master's replica is promoted (cluster-node-timeout and a vote), commands
        // to its slots wait and retry instead of failing at once
        retryDelayOnClusterDown: 200,
        retryDelayOnFailover: 200,
        retryDelayOnTryAgain: 200,
        maxRedirections: 64,
        slotsRefreshTimeout: 2_000,
        // No CLUSTER INFO check before 'ready'. ioredis loses the promise of a connect() whose ready
        // check fails (the cluster reconnects by itself and gets ready, the promise never settles:
        // redis/ioredis#741), and during a failover the check fails (cluster_state:fail). BullMQ
        // reconnects a worker's blocking client with disconnect() and connect() when a BZPOPMIN
        // outlasts its block time, as one does while a master fails over: with the check, that
        // worker then waited on the lost promise for ever and took no more jobs. Without it a command
        // sent while the cluster is down gets CLUSTERDOWN and is retried (retryDelayOnClusterDown).
        enableReadyCheck: false,
        ...(options.maxRetriesPerRequest === 0 ? {} : { clusterRetryStrategy: (times: number) => Math.min(100 * times, 2_000) }),
      };
      return new Cluster(target.nodes, clusterOptions);
    }
  }
}

/** Whether a client talks to a Redis Cluster (then one script or transaction may only touch one slot). */
export function isCluster(client: RedisClient): client is Cluster {
  return client.isCluster;
}

/**
 * The prefix BullMQ's keys get. Every script of BullMQ touches several keys of one queue, so on a
 * cluster they must share a slot: the prefix is made a hash tag (`herald` → `{herald}`) unless it
 * holds one already. On one Redis (and with Sentinel) the prefix is used as configured, so queues of
 * an existing deployment keep their keys.
 */
export function queueKeyPrefix(client: RedisClient, prefix: string): string {
  return isCluster(client) && !/\{[^}]+\}/.test(prefix) ? `{${prefix}}` : prefix;
}

/**
 * The masters of a cluster, or the one client: what a SCAN must walk, since each master keeps the
 * keys of its own slots only.
 */
export function scanTargets(client: RedisClient): Redis[] {
  return isCluster(client) ? client.nodes('master') : [client];
}

/**
 * GET of several keys: one MGET on one Redis; on a cluster, where MGET takes keys of one slot only,
 * one GET each (sent together, each to the node owning its key).
 */
export async function getMany(client: RedisClient, keys: readonly string[]): Promise<(string | null)[]> {
  if (keys.length === 0) return [];
  if (!isCluster(client)) return client.mget(...keys);
  return Promise.all(keys.map((key) => client.get(key)));
}
