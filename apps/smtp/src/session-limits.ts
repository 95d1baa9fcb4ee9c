import type { RedisClient } from '@herald/core';
import { createEventWindow, type EventWindow } from '@herald/core/limits/event-window';
import { failOpen, type WarnLog } from '@herald/core/limits/fail-open';
import { createLeaseSets, type LeaseSets } from '@herald/core/limits/lease-set';

export interface SessionLimitSettings {
  /** Connections one client address may hold open at once, across all listeners. */
  perIp: number;
  /** Authenticated sessions one API key may hold at once, across all listeners. */
  perKey: number;
  /** Failed AUTH attempts one client address may make within the window before it is refused. */
  authFailures: number;
}

export interface SessionLimitTimings {
  /** The window of failed AUTH attempts (default 10 minutes). */
  failureWindowMs?: number;
  /** How long a connection or session stays counted after its listener last renewed it (default 30 s). */
  leaseMs?: number;
  /** How often a listener renews the leases of its connections and sessions (default 10 s). */
  renewEveryMs?: number;
  /** How long to wait for Redis before letting a connection through uncounted (default 200 ms). */
  timeoutMs?: number;
  /** Replaces Redis's clock (TIME) in tests. */
  clock?: () => number;
}

/**
 * Resolves true once `redis` is connected, false after `timeoutMs` or on its first error. A connection
 * without an offline queue (RATE_LIMIT_REDIS_OPTIONS) fails the commands sent before that, and the
 * limits then let their connections through uncounted: wait for it before listening, but not for long.
 */
export async function redisReady(redis: RedisClient, timeoutMs: number): Promise<boolean> {
  if (redis.status === 'ready') return true;
  return new Promise((resolve) => {
    const timer = setTimeout(() => settle(false), timeoutMs);
    const ready = () => settle(true);
    const failed = () => settle(false);
    function settle(value: boolean) {
      clearTimeout(timer);
      redis.off('ready', ready);
      redis.off('error', failed);
      resolve(value);
    }
    redis.once('ready', ready);
    redis.once('error', failed);
  });
}

export const SESSION_LEASE_MS = 30_000;
export const SESSION_RENEW_EVERY_MS = 10_000;
export const AUTH_FAILURE_WINDOW_MS = 10 * 60_000;

/** What a listener counts for one of its connections. */
interface Holding {
  ip: string;
  /** Whether it holds one of its address's connection slots. */
  connection: boolean;
  /** The API key whose session slot it holds. */
  key: string | null;
  closed: boolean;
}

/**
 * The listener's limits, kept in Redis under `<prefix>:` so that they hold across every listener
 * process: connections per client address and authenticated sessions per API key (lease sets: a
 * listener that dies stops counting within one lease, since only a live listener renews its leases),
 * and failed AUTH attempts per client address (a sliding window). Redis keys:
 * `<prefix>:ip:<address>:connections`, `<prefix>:ip:<address>:auth-failures`,
 * `<prefix>:key:<api key id>:sessions`.
 *
 * Redis failing or slow (over `timeoutMs`) lets connections, logins and sessions through uncounted,
 * with a warning (failOpen), as the API's rate limits do. Pair it with a Redis connection made with
 * RATE_LIMIT_REDIS_OPTIONS, so that commands to a dead Redis fail at once.
 */
export class SessionLimits {
  private readonly sessions = new Map<string, Holding>();
  /** Releases under way, which stop() waits for. */
  private readonly releasing = new Set<Promise<void>>();
  private readonly leases: LeaseSets;
  private readonly failures: EventWindow;
  private readonly guarded: ReturnType<typeof failOpen>;
  private readonly timer: NodeJS.Timeout;

  constructor(
    redis: RedisClient,
    private readonly prefix: string,
    private readonly limits: SessionLimitSettings,
    log: WarnLog,
    timings: SessionLimitTimings = {},
  ) {
    this.leases = createLeaseSets(redis, { leaseMs: timings.leaseMs ?? SESSION_LEASE_MS, clock: timings.clock });
    this.failures = createEventWindow(redis, { windowMs: timings.failureWindowMs ?? AUTH_FAILURE_WINDOW_MS, clock: timings.clock });
    this.guarded = failOpen(log, 'SMTP session limits (Redis)', { timeoutMs: timings.timeoutMs });
    this.timer = setInterval(() => void this.renew(), timings.renewEveryMs ?? SESSION_RENEW_EVERY_MS);
    this.timer.unref();
  }

  /**
   * Whether a new connection may go on: refused while its address has used up its failed logins, or
   * holds its share of connections; else it holds a slot until close(sessionId).
   */
  async admit(sessionId: string, ip: string): Promise<'ok' | 'auth-blocked' | 'too-many-connections'> {
    const holding: Holding = { ip, connection: false, key: null, closed: false };
    this.sessions.set(sessionId, holding);
    if (await this.authBlocked(ip)) {
      this.sessions.delete(sessionId);
      return 'auth-blocked';
    }
    const held = await this.guarded(() => this.leases.acquire(this.connections(ip), sessionId, this.limits.perIp), null);
    if (held === false) {
      this.sessions.delete(sessionId);
      return 'too-many-connections';
    }
    holding.connection = held === true;
    // the client left while Redis was asked: close() has run and gave back nothing yet held
    if (holding.closed && holding.connection) void this.release(this.connections(ip), sessionId);
    return 'ok';
  }

  /**
   * Takes one of the key's session slots for the connection: 'too-many-sessions' when the key holds
   * its share, 'closed' when the connection has closed meanwhile (nothing is held then).
   */
  async openKeySession(sessionId: string, apiKeyId: string): Promise<'ok' | 'too-many-sessions' | 'closed'> {
    const holding = this.sessions.get(sessionId);
    if (!holding || holding.closed) return 'closed';
    const held = await this.guarded(() => this.leases.acquire(this.keySessions(apiKeyId), sessionId, this.limits.perKey), null);
    if (held === false) return 'too-many-sessions';
    if (holding.closed) {
      if (held) void this.release(this.keySessions(apiKeyId), sessionId);
      return 'closed';
    }
    holding.key = held ? apiKeyId : null;
    return 'ok';
  }

  /** Gives back whatever the connection holds (a connection refused at connect holds nothing); resolves once it is given back. */
  async close(sessionId: string): Promise<void> {
    const holding = this.sessions.get(sessionId);
    if (!holding) return;
    this.sessions.delete(sessionId);
    holding.closed = true;
    await Promise.all([
      holding.connection ? this.release(this.connections(holding.ip), sessionId) : undefined,
      holding.key ? this.release(this.keySessions(holding.key), sessionId) : undefined,
    ]);
  }

  /** Whether the address has used up its failed AUTH attempts for now. */
  async authBlocked(ip: string): Promise<boolean> {
    return (await this.guarded(() => this.failures.count(this.authFailures(ip)), 0)) >= this.limits.authFailures;
  }

  async authFailed(ip: string): Promise<void> {
    await this.guarded(() => this.failures.record(this.authFailures(ip)), 0);
  }

  /** Renews the leases of every connection and session this listener holds, in one round trip. */
  async renew(): Promise<void> {
    const leases = new Map<string, string[]>();
    const add = (key: string, member: string) => {
      const members = leases.get(key);
      if (members) members.push(member);
      else leases.set(key, [member]);
    };
    for (const [sessionId, holding] of this.sessions) {
      if (holding.connection) add(this.connections(holding.ip), sessionId);
      if (holding.key) add(this.keySessions(holding.key), sessionId);
    }
    await this.guarded(() => this.leases.renew(leases), undefined);
  }

  /** Stops renewing, once the listener is closed, and waits for the releases under way. What is still held runs out within one lease. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all(this.releasing);
  }

  private async release(key: string, sessionId: string): Promise<void> {
    // a release that fails leaves the member to run out with its lease
    const release = this.guarded(() => this.leases.release(key, sessionId), undefined);
    this.releasing.add(release);
    await release;
    this.releasing.delete(release);
  }

  private connections(ip: string): string {
    return `${this.prefix}:ip:${ip}:connections`;
  }

  private authFailures(ip: string): string {
    return `${this.prefix}:ip:${ip}:auth-failures`;
  }

  private keySessions(apiKeyId: string): string {
    return `${this.prefix}:key:${apiKeyId}:sessions`;
  }
}
