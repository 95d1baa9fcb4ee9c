import { z } from 'zod';
import { isIP, isIPv4, isIPv6 } from 'node:net';
import { boolFlag, ConfigError, csv, defineSettings, duration } from './settings.ts';
import { parseRedisUrl } from '../queue/redis-connection.ts';

function isDnsServer(entry: string): boolean {
  const okPort = (p: string | undefined) => p === undefined || (/^\d{1,5}$/.test(p) && Number(p) <= 65535);
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return isIPv6(bracketed[1] ?? '') && okPort(bracketed[2]);
  if (isIP(entry)) return true;
  const colon = entry.lastIndexOf(':');
  return colon > 0 && isIPv4(entry.slice(0, colon)) && okPort(entry.slice(colon + 1));
}

/** An https: URL with no query or fragment (RFC 8058 one-click unsubscribe needs HTTPS). */
function isPublicBaseUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' && !url.search && !url.hash && !url.username && !url.password && !value.includes('?') && !value.includes('#');
  } catch {
    return false;
  }
}

/** Settings every Herald process reads. */
export const commonSettings = defineSettings({
  env: {
    env: 'HERALD_ENV',
    schema: z.enum(['development', 'test', 'production']),
    default: 'development',
    doc: 'development, test or production. Outside development, every process refuses to start without HERALD_MASTER_KEY.',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      ,
    default: 'postgresql://postgres@127.0.0.1:5432/herald',
    doc: 'PostgreSQL connection URL. The database is created by `herald migrate` if it does not exist.',
    secret: true,
  },
  databasePooler: {
    env: 'HERALD_DATABASE_POOLER',
    schema: z.enum(['none', 'transaction']),
    default: 'none',
    doc: 'What DATABASE_URL reaches: `none`, Postgres itself or a pooler in session mode; `transaction`, a pooler in transaction mode (PgBouncer pool_mode=transaction), where every statement is sent unnamed, since a statement prepared on one server connection is not on the next (docs/pgbouncer.md).',
  },
  databaseDirectUrl: {
    env: 'DATABASE_DIRECT_URL',
    schema: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    doc: 'PostgreSQL connection URL that reaches Postgres directly, not through a transaction-mode pooler: `herald migrate` (and `herald start all`) use it, since the migrator holds a session lock. Unset: DATABASE_URL, which `herald migrate` refuses when HERALD_DATABASE_POOLER=transaction.',
    secret: true,
  },
  redisUrl: {
    env: 'REDIS_URL',
    schema: z
      .string()
      .refine(
        (v) => {
          try {
            parseRedisUrl(v);
            return true;
          } catch {
            return false;
          }
        },
        { message: 'must be redis://host:port, rediss://…, redis+cluster://host:port,host:port,… or redis+sentinel://host:port,…/<master name>' },
      ),
    default: 'redis://127.0.0.1:6379',
    doc: 'Redis connection URL (BullMQ queues, limits, sessions). One server: redis://[user:password@]host:port[/db] (rediss:// for TLS). Redis Cluster: redis+cluster://[user:password@]host:port,host:port,… (any few nodes; rediss+cluster:// for TLS). Sentinel: redis+sentinel://[user:password@]host:26379,host:26379/<master name>[?sentinel_password=…]. Redis must run with maxmemory-policy noeviction. See docs/redis-cluster.md.',
    secret: true,
  },
  queuePrefix: {
    env: 'HERALD_QUEUE_PREFIX',
    schema: z
      .string()
      .regex(/^[A-Za-z0-9_{}-]{1,64}$/, 'must be 1-64 letters, digits, _, -, { or }')
      ,
    default: 'herald',
    doc: 'Prefix of every Redis key Herald writes. On Redis Cluster the queues\' keys get it as a hash tag ({herald}) by themselves; a prefix that already holds a {tag} puts every Herald key in that one slot.',
  },
  masterKey: {
    env: 'HERALD_MASTER_KEY',
    schema: z
      .string()
      .refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]{43}=$/.test(v), {
        message: 'must be 32 random bytes in base64 (generate one with `openssl rand -base64 32`)',
      })
      .optional(),
    doc: 'Key that encrypts DKIM private keys and webhook secrets at rest (AES-256-GCM). Required outside development; in development a key is generated once into HERALD_DATA_DIR.',
    secret: true,
  },
  dataDir: {
    env: 'HERALD_DATA_DIR',
    schema: z.string(),
    default: '.herald',
    doc: 'Directory for local development state (the generated development master key).',
  },
  shutdownTimeoutMs: {
    env: 'HERALD_SHUTDOWN_TIMEOUT',
    schema: duration('30s'),
    default: '30s',
    doc: 'On SIGTERM a process stops taking work and finishes what is in flight (requests, SMTP sessions); past this bound it exits anyway (code 1) and any unfinished delivery is retried by another worker.',
  },
  dnsServers: {
    env: 'HERALD_DNS_SERVERS',
    schema: csv().pipe(z.array(z.string().refine(isDnsServer, 'each entry must be an IP, IP:port or [IPv6]:port'))),
    doc: 'DNS servers Herald asks (MX, address, TXT records; domain verification), comma-separated (IP or IP:port). Empty: the system resolvers.',
  },
  spfInclude: {
    env: 'HERALD_SPF_INCLUDE',
    schema: z.string().regex(/^[A-Za-z0-9_.-]{1,253}$/, 'must be a domain name').optional(),
    doc: 'A domain whose SPF record lists the sending IPs (e.g. _spf.mail.example.com); sending domains are told to include it.',
  },
  sendingIps: {
    env: 'HERALD_SENDING_IPS',
    schema: csv().pipe(z.array(z.string().refine((ip) => isIP(ip) !== 0, 'each entry must be an IPv4 or IPv6 address'))),
    doc: 'The addresses the workers send from, comma-separated: put in the SPF guidance (when HERALD_SPF_INCLUDE is unset) and used to check SPF at verification.',
  },
  bounceHost: {
    env: 'HERALD_BOUNCE_HOST',
    schema: z.string().regex(/^[A-Za-z0-9.-]{1,253}$/, 'must be a host name').optional(),
    doc: 'The host that receives bounces. When set, each sending domain is asked for a return-path CNAME to it, and the envelope sender uses that subdomain once a domain check finds the CNAME.',
  },
  returnPathSubdomain: {
    env: 'HERALD_RETURN_PATH_SUBDOMAIN',
    schema: z.string().regex(/^[a-z0-9-]{1,63}$/, 'must be one DNS label'),
    default: 'bounces',
    doc: 'The label of the return-path host under each sending domain (bounces.example.com), used with HERALD_BOUNCE_HOST.',
  },
  publicUrl: {
    env: 'HERALD_PUBLIC_URL',
    schema: z
      .string()
      .refine(isPublicBaseUrl, 'must be an https:// URL without a query or fragment, e.g. https://mail.example.com')
      .optional(),
    doc: 'The https:// address at which the internet reaches the API (e.g. https://mail.example.com). One-click unsubscribe links are this address followed by /unsubscribe/ and a signed token; while it is unset, messages that ask for unsubscribe headers are deferred.',
  },
  dkimRotationGraceMs: {
    env: 'HERALD_DKIM_ROTATION_GRACE',
    schema: duration('7d', { min: '1d', because: 'mail signed with the old key just before the rotation may still be on its way and must still verify' }),
    default: '7d',
    doc: 'After a DKIM rotation, how long the old key stays published (no longer signing) before it is retired; at least 1d, so that mail signed with it just before the rotation (a slow delivery attempt, a queue at the receiver) still verifies.',
  },
  webhookAllowHttp: {
    env: 'HERALD_WEBHOOK_ALLOW_HTTP',
    schema: boolFlag(),
    default: 'false',
    doc: 'Accept http:// webhook URLs (development only); otherwise webhooks must be https://.',
  },
  webhookAllowedHosts: {
    env: 'HERALD_WEBHOOK_ALLOWED_HOSTS',
    schema: csv(),
    doc: 'Host names (or IP addresses) webhooks may reach even though they resolve to loopback, private, link-local or other internal addresses, comma-separated. Empty: none.',
  },
  logLevel: {
    env: 'HERALD_LOG_LEVEL',
    schema: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    default: 'info',
    doc: 'Log level of the JSON logs written to standard output.',
  },
});

/** Outside development, no process starts without a master key: DKIM keys must not be sealed under a throwaway one. */
export function requireMasterKeyInProduction(config: { env: string; masterKey?: string | undefined }): string[] {
  if (config.env !== 'development' && !config.masterKey) {
    return [`HERALD_MASTER_KEY: required when HERALD_ENV=${config.env} (generate one with \`openssl rand -base64 32\`)`];
  }
  return [];
}

/**
 * Prisma's `pgbouncer=true` URL flag means nothing to node-postgres: a URL that carries it without
 * HERALD_DATABASE_POOLER=transaction would send named statements to a transaction-mode pooler, and
 * fail only under load, so it is refused at start instead.
 */
export function checkDatabaseSettings(config: { databaseUrl: string; databasePooler: string }): string[] {
  let flagged = false;
  try {
    flagged = new URL(config.databaseUrl).searchParams.get('pgbouncer') === 'true';
  } catch {
    // an unparsable URL is reported by the connection itself
  }
  if (flagged && config.databasePooler !== 'transaction') {
    return ['DATABASE_URL: has pgbouncer=true, which Herald does not read: set HERALD_DATABASE_POOLER=transaction for a transaction-mode pooler (docs/pgbouncer.md)'];
  }
  return [];
}

/** The URL `herald migrate` connects to: DATABASE_DIRECT_URL, or DATABASE_URL unless that goes through a transaction-mode pooler. */
export function migrationDatabaseUrl(config: { databaseUrl: string; databasePooler: string; databaseDirectUrl?: string | undefined }): string {
  if (config.databaseDirectUrl) return config.databaseDirectUrl;
  if (config.databasePooler === 'transaction') {
    throw new ConfigError(
      'DATABASE_DIRECT_URL: required to migrate when HERALD_DATABASE_POOLER=transaction (the migrator holds a session lock, which a transaction-mode pooler does not keep): set it to a URL that reaches Postgres directly',
    );
  }
  return config.databaseUrl;
}

/** The settings domain records and verification need, from any process's configuration. */
export function domainSettings(config: {
  spfInclude?: string | undefined;
  sendingIps: string[];
  bounceHost?: string | undefined;
  returnPathSubdomain: string;
  dkimRotationGraceMs: number;
}) {
  return {
    spfInclude: config.spfInclude,
    sendingIps: config.sendingIps,
    bounceHost: config.bounceHost,
    returnPathSubdomain: config.returnPathSubdomain,
    rotationGraceMs: config.dkimRotationGraceMs,
  };
}
