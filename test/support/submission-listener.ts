import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import type { SMTPServer } from 'smtp-server';
import type pg from 'pg';
import {
  addDomain,
  createLogger,
  createProject,
  generateApiKey,
  newId,
  SQL_POOL,
  createStore,
  pgPool,
  type Db,
  type DeliveryJob,
  type Scope,
} from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { createDailyQuota } from '@herald/core/limits/daily-quota';
import { RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { createSubmissionServer, SessionLimits, tlsMaterial, type SubmissionDeps } from '../../apps/smtp/src/index.ts';
import { redisReady, type SessionLimitSettings, type SessionLimitTimings } from '../../apps/smtp/src/session-limits.ts';
import { TEST_DATABASE_URL, TEST_MASTER_KEY, TEST_REDIS_URL, uniqueName, uniquePrefix } from './env.ts';
import { RawSmtpClient, SMTP_TEST_HOSTNAME } from './smtp-client.ts';

export interface SubmissionListener {
  /** The STARTTLS port (plaintext until STARTTLS). */
  port: number;
  /** The implicit-TLS port. */
  tlsPort: number;
  /** The test database (not the one the listener uses when a test passed its own). */
  db: Db;
  /** Delivery jobs enqueued after commits, in order. */
  jobs: { data: DeliveryJob; delayMs: number }[];
  /** While true, enqueueing fails as it does with Redis down. */
  failEnqueue: { value: boolean };
  /** The listener's session limits (in Redis under `limitsPrefix`). */
  limits: SessionLimits;
  limitsPrefix: string;
  /** A project with a verified domain and a messages:send key, made with {@link seedSmtpProject}. */
  seed(label: string, options?: SeedOptions): Promise<SmtpProject>;
  /** Closes the listener and its clients, deletes every project seeded through it. */
  close(): Promise<void>;
}

export interface ListenerOptions {
  /** The database the listener uses (disconnected on close); the test database by default. */
  db?: Db;
  limits?: Partial<SessionLimitSettings>;
  /** Timings of the session limits (lease, renewal, failure window, clock). */
  limitTimings?: SessionLimitTimings;
  /**
   * Where the session limits live in Redis: a prefix of this listener's own by default; two listeners
   * given the same one share their limits, as listener processes of one deployment do.
   */
  limitsPrefix?: string;
  /** The Redis of the session limits (the test Redis by default). */
  limitsRedisUrl?: string;
  /** The projects' daily recipient quota (kept beside the session limits); none by default. */
  dailyQuota?: number;
  maxMessageBytes?: number;
  maxRecipients?: number;
}

let material: SubmissionDeps['tls'] | undefined;

/** One self-signed certificate for SMTP_TEST_HOSTNAME per test file (generating one takes a moment). */
export function testTlsMaterial(): SubmissionDeps['tls'] {
  material ??= tlsMaterial({ smtpHostname: SMTP_TEST_HOSTNAME });
  return material;
}

/**
 * Both submission listeners (STARTTLS and implicit TLS) in-process on 127.0.0.1 and free ports, sharing
 * one SessionLimits as `herald start smtp` does (in the test Redis, under a prefix of its own unless
 * given one), on the real test database, with the delivery queue captured.
 */
export async function startSubmissionListener(options: ListenerOptions = {}): Promise<SubmissionListener> {
  const db = createDb(TEST_DATABASE_URL, { poolSize: 4 });
  const jobs: SubmissionListener['jobs'] = [];
  const failEnqueue = { value: false };
  const projects: string[] = [];
  const limitsRedis = new Redis(options.limitsRedisUrl ?? TEST_REDIS_URL, RATE_LIMIT_REDIS_OPTIONS);
  limitsRedis.on('error', () => undefined);
  await redisReady(limitsRedis, 5_000);
  const limitsPrefix = options.limitsPrefix ?? uniquePrefix('smtp-limits');
  const log = createLogger('test-smtp', process.env.HERALD_TEST_SMTP_LOG ?? 'silent');
  const limits = new SessionLimits(limitsRedis, limitsPrefix, { perIp: 50, perKey: 50, authFailures: 50, ...options.limits }, log, options.limitTimings);
  const deps: SubmissionDeps = {
    intake: {
      store: createStore(options.db ?? db, { log }),
      enqueue: async (batch) => {
        if (failEnqueue.value) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
        jobs.push(...batch);
      },
      quota: options.dailyQuota === undefined ? undefined : createDailyQuota(limitsRedis, limitsPrefix),
      settings: { maxMessageBytes: options.maxMessageBytes ?? 1_000_000, maxRecipients: options.maxRecipients ?? 50, dailyQuota: options.dailyQuota ?? 0 },
      log,
    },
    limits,
    settings: { hostname: SMTP_TEST_HOSTNAME },
    tls: testTlsMaterial(),
    log,
  };
  const servers = [createSubmissionServer(deps, { secure: false }), createSubmissionServer(deps, { secure: true })];
  const [port, tlsPort] = await Promise.all(servers.map(listen));
  return {
    port: port as number,
    tlsPort: tlsPort as number,
    db,
    jobs,
    failEnqueue,
    limits,
    limitsPrefix,
    async seed(label, seedOptions) {
      const project = await seedSmtpProject(db, label, seedOptions);
      projects.push(project.id);
      return project;
    },
    async close() {
      RawSmtpClient.destroyAll();
      await Promise.all(servers.map(close));
      await limits.stop();
      const keys = await limitsRedis.keys(`${limitsPrefix}:*`).catch(() => []);
      if (keys.length) await limitsRedis.del(...keys);
      limitsRedis.disconnect();
      if (projects.length) await db.project.deleteMany({ where: { id: { in: projects } } });
      await Promise.all([db.$disconnect(), options.db?.$disconnect()]);
    },
  };
}

async function listen(server: SMTPServer): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return (server.server.address() as AddressInfo).port;
}

/** Closes the listener; sessions a test left open are ended rather than waited for. */
async function close(server: SMTPServer): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const deadline = setTimeout(() => {
    for (const connection of server.connections as Set<{ close(): void }>) connection.close();
  }, 1_000);
  await closed;
  clearTimeout(deadline);
}

export interface SmtpProject {
  id: string;
  /** Its verified sending domain. */
  domain: string;
  /** Its domain that is added but not verified. */
  unverifiedDomain: string;
  /** A key with messages:send only: the SMTP password. */
  key: string;
  keyId: string;
}

export interface SeedOptions {
  /** The key's scopes; messages:send by default. */
  scopes?: Scope[];
}

/** A project of its own with one verified and one unverified sending domain and a sending key. */
export async function seedSmtpProject(db: Db, label: string, options: SeedOptions = {}): Promise<SmtpProject> {
  const { project } = await createProject(db, uniqueName(label));
  const masterKey = Buffer.from(TEST_MASTER_KEY, 'base64');
  const domain = `${uniqueName(label)}.example`;
  const unverifiedDomain = `${uniqueName(`${label}-unverified`)}.example`;
  const added = await addDomain(db, masterKey, project.id, domain);
  await db.domain.update({ where: { id: added.id }, data: { status: 'verified', verifiedAt: new Date() } });
  await addDomain(db, masterKey, project.id, unverifiedDomain);
  const key = await createSmtpKey(db, project.id, { scopes: options.scopes });
  return { id: project.id, domain, unverifiedDomain, key: key.key, keyId: key.id };
}

/** A live key of the project with the given scopes and sending-domain limit; returns the key itself. */
export async function createSmtpKey(db: Db, projectId: string, options: { scopes?: Scope[] | undefined; domains?: string[] } = {}): Promise<{ id: string; key: string }> {
  const key = generateApiKey('live');
  const id = newId('apiKey');
  await db.apiKey.create({
    data: {
      id,
      projectId,
      name: 'smtp test key',
      prefix: key.prefix,
      hash: key.hash,
      mode: key.mode,
      scopes: options.scopes ?? ['messages:send'],
      domains: options.domains ?? [],
    },
  });
  return { id, key: key.key };
}

/** The project's stored messages, oldest first, with their recipients. */
export async function storedMessages(db: Db, projectId: string) {
  return db.message.findMany({
    where: { projectId },
    orderBy: { id: 'asc' },
    include: { recipients: { orderBy: { email: 'asc' }, select: { email: true, domain: true, kind: true, status: true } }, content: true },
  });
}

/**
 * A message as a client sends it after DATA: the header fields given (From, To and Subject first),
 * a blank line and the body, CRLF line endings, no final line ending (the DATA terminator adds it).
 */
export function rawMessage(fields: { from: string; to: string; subject?: string; headers?: string[]; body?: string }): string {
  return [`From: ${fields.from}`, `To: ${fields.to}`, `Subject: ${fields.subject ?? 'Hello'}`, ...(fields.headers ?? []), '', fields.body ?? 'The body.'].join('\r\n');
}

/**
 * The test database for a listener, with Postgres made unreachable on demand: with `state.value`
 * 'down' every query fails, with 'commit-fails' only the commit transaction does (the reads before it
 * work), each with the error the Prisma client gives for a server that refuses connections.
 */
/** A pool whose statements other than SELECT go to `dead`. */
function writesFail(live: pg.Pool, dead: pg.Pool): pg.Pool {
  return new Proxy(live, {
    get(target, prop) {
      if (prop === 'query') return (sql: string, ...rest: unknown[]) => (/^\s*SELECT/i.test(sql) ? target : dead).query(sql, ...(rest as [unknown[]]));
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export function switchableDb(): { db: Db; state: { value: 'up' | 'down' | 'commit-fails' }; close(): Promise<void> } {
  const live = createDb(TEST_DATABASE_URL, { poolSize: 4 });
  const dead = createDb('postgresql://postgres@127.0.0.1:1/herald_unreachable', { poolSize: 1 });
  const state: { value: 'up' | 'down' | 'commit-fails' } = { value: 'up' };
  const db = new Proxy(live, {
    get(target, prop) {
      if (state.value === 'commit-fails' && prop === '$transaction') return async () => dead.$executeRaw`SELECT 1`;
      // plain-SQL writes (the intake commit) fail as if Postgres went away; reads still work
      if (state.value === 'commit-fails' && prop === SQL_POOL) return writesFail(pgPool(live), pgPool(dead));
      const source = state.value === 'down' ? dead : target;
      const value: unknown = Reflect.get(source, prop);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(source) : value;
    },
  });
  return {
    db,
    state,
    async close() {
      await Promise.all([live.$disconnect(), dead.$disconnect()]);
    },
  };
}
