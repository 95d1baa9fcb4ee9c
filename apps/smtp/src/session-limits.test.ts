import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RATE_LIMIT_REDIS_OPTIONS } from '@herald/core/limits/rate-limiter';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { redisReady, SessionLimits, type SessionLimitSettings, type SessionLimitTimings } from './session-limits.ts';

/** A clock the test moves by hand. */
function manualClock(start = 1_000_000) {
  const clock = { now: start, advance: (ms: number) => void (clock.now += ms) };
  return clock;
}

const silent = { warn: () => undefined };

describe('SessionLimits (in Redis, shared by listener processes)', () => {
  let redis: Redis;
  const made: { limits: SessionLimits; redis?: Redis }[] = [];
  let prefix: string;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  beforeEach(() => {
    prefix = uniquePrefix('session-limits');
  });
  afterEach(async () => {
    await Promise.all(made.splice(0).map(async ({ limits, redis: own }) => {
      await limits.stop();
      own?.disconnect();
    }));
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(() => redis.disconnect());

  /** One listener process's limits under the test's prefix (each with a connection of its own, as processes have). */
  const listener = async (settings: Partial<SessionLimitSettings> = {}, timings: SessionLimitTimings = {}) => {
    const own = new Redis(TEST_REDIS_URL, RATE_LIMIT_REDIS_OPTIONS);
    expect(await redisReady(own, 5_000)).toBe(true);
    const limits = new SessionLimits(own, prefix, { perIp: 10, perKey: 10, authFailures: 10, ...settings }, silent, timings);
    made.push({ limits, redis: own });
    return limits;
  };

  it('gives each client address its share of connections across listeners, and a closed connection its slot back', async () => {
    const [one, two] = await Promise.all([listener({ perIp: 2 }), listener({ perIp: 2 })]);
    expect(await one.admit('s1', '192.0.2.1')).toBe('ok');
    expect(await two.admit('s2', '192.0.2.1')).toBe('ok');
    expect(await one.admit('s3', '192.0.2.1')).toBe('too-many-connections');
    expect(await two.admit('s4', '192.0.2.1')).toBe('too-many-connections');
    expect(await two.admit('s5', '192.0.2.2')).toBe('ok'); // another address has its own share

    await one.close('s3'); // refused at connect: it holds nothing, and gives nothing back
    expect(await two.admit('s6', '192.0.2.1')).toBe('too-many-connections');
    await one.close('s1');
    expect(await two.admit('s7', '192.0.2.1')).toBe('ok');
    expect(await one.admit('s8', '192.0.2.1')).toBe('too-many-connections');
  });

  it("gives each key its share of sessions across listeners, given back when a connection holding one closes", async () => {
    const [one, two] = await Promise.all([listener({ perKey: 1 }), listener({ perKey: 1 })]);
    await one.admit('s1', '192.0.2.1');
    await two.admit('s2', '192.0.2.1');
    expect(await one.openKeySession('s1', 'key_a')).toBe('ok');
    expect(await two.openKeySession('s2', 'key_a')).toBe('too-many-sessions');
    expect(await two.openKeySession('s2', 'key_b')).toBe('ok');

    await one.close('s1');
    await two.admit('s3', '192.0.2.1');
    expect(await two.openKeySession('s3', 'key_a')).toBe('ok');
  });

  it('holds nothing for a connection that closed while its key session was being taken', async () => {
    const limits = await listener({ perKey: 1 });
    await limits.admit('s1', '192.0.2.1');
    const taking = limits.openKeySession('s1', 'key_a');
    const closing = limits.close('s1');
    expect(await taking).toBe('closed');
    await closing;
    await limits.admit('s2', '192.0.2.1');
    expect(await limits.openKeySession('s2', 'key_a')).toBe('ok');
    expect(await limits.openKeySession('unknown', 'key_b')).toBe('closed');
  });

  it('blocks an address after its allowed failed AUTH attempts, counted across listeners, until the window has passed', async () => {
    const clock = manualClock();
    const timings = { failureWindowMs: 60_000, clock: () => clock.now };
    const [one, two] = await Promise.all([listener({ authFailures: 3 }, timings), listener({ authFailures: 3 }, timings)]);
    await one.authFailed('192.0.2.1');
    await two.authFailed('192.0.2.1');
    expect(await one.authBlocked('192.0.2.1')).toBe(false);
    await one.authFailed('192.0.2.1');
    expect(await two.authBlocked('192.0.2.1')).toBe(true);
    expect(await two.admit('s1', '192.0.2.1')).toBe('auth-blocked');
    expect(await one.authBlocked('192.0.2.2')).toBe(false);

    clock.advance(59_999);
    expect(await one.authBlocked('192.0.2.1')).toBe(true);
    clock.advance(1);
    expect(await one.authBlocked('192.0.2.1')).toBe(false);
    expect(await two.admit('s2', '192.0.2.1')).toBe('ok');
  });

  it('counts failures over a sliding window: only the recent ones block', async () => {
    const clock = manualClock();
    const limits = await listener({ authFailures: 3 }, { failureWindowMs: 60_000, clock: () => clock.now });
    await limits.authFailed('192.0.2.1');
    clock.advance(40_000);
    await limits.authFailed('192.0.2.1');
    clock.advance(15_000);
    await limits.authFailed('192.0.2.1');
    expect(await limits.authBlocked('192.0.2.1')).toBe(true);

    clock.advance(5_001); // the first failure is now older than the window
    expect(await limits.authBlocked('192.0.2.1')).toBe(false);
    await limits.authFailed('192.0.2.1');
    expect(await limits.authBlocked('192.0.2.1')).toBe(true);
  });

  it('keeps failures for ten minutes when no window is configured, and lets the key expire with them', async () => {
    const clock = manualClock();
    const limits = await listener({ authFailures: 1 }, { clock: () => clock.now });
    await limits.authFailed('192.0.2.1');
    const ttl = await redis.pttl(`${prefix}:ip:192.0.2.1:auth-failures`);
    expect(ttl).toBeGreaterThan(10 * 60_000 - 5_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    clock.advance(10 * 60_000 - 1);
    expect(await limits.authBlocked('192.0.2.1')).toBe(true);
    clock.advance(1);
    expect(await limits.authBlocked('192.0.2.1')).toBe(false);
  });

  it("stops counting the connections and sessions of a listener that no longer renews them (a killed process) once their lease runs out, while a live listener's stay counted", async () => {
    const timings = { leaseMs: 600, renewEveryMs: 100 };
    const settings = { perIp: 2, perKey: 2 };
    const [dead, live, other] = await Promise.all([listener(settings, timings), listener(settings, timings), listener(settings, timings)]);
    await dead.admit('d1', '192.0.2.1');
    await dead.openKeySession('d1', 'key_a');
    await live.admit('l1', '192.0.2.1');
    await live.openKeySession('l1', 'key_a');
    expect(await other.admit('o1', '192.0.2.1')).toBe('too-many-connections');
    await dead.stop(); // as after SIGKILL: nothing renews or releases d1 any more

    await new Promise((resolve) => setTimeout(resolve, 1_000)); // past the lease
    // d1 ran out; l1, renewed every 100 ms, still counts: one slot is free, not two
    expect(await other.admit('o2', '192.0.2.1')).toBe('ok');
    expect(await other.admit('o3', '192.0.2.1')).toBe('too-many-connections');
    expect(await other.openKeySession('o2', 'key_a')).toBe('ok');
    await other.admit('o4', '192.0.2.2');
    expect(await other.openKeySession('o4', 'key_a')).toBe('too-many-sessions');
  });

  it("renews the leases of all of a listener's connections and sessions, and their sets expire one lease after the last renewal", async () => {
    const limits = await listener({}, { leaseMs: 3_000, renewEveryMs: 60_000 });
    for (let i = 0; i < 3; i++) await limits.admit(`s${i}`, `192.0.2.${i}`);
    await limits.openKeySession('s0', 'key_a');
    const sets = [0, 1, 2].map((i) => `${prefix}:ip:192.0.2.${i}:connections`).concat(`${prefix}:key:key_a:sessions`);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const key of sets) expect(await redis.pttl(key)).toBeLessThan(1_600);

    await limits.renew();
    for (const key of sets) {
      expect(await redis.pttl(key)).toBeGreaterThan(2_500);
      const [, expires] = await redis.zrange(key, 0, -1, 'WITHSCORES');
      expect(Number(expires) - Date.now()).toBeGreaterThan(2_500);
    }
  });

  it('lets connections, logins and sessions through uncounted while Redis is unreachable, and warns', async () => {
    const dead = new Redis('redis://127.0.0.1:1', RATE_LIMIT_REDIS_OPTIONS);
    dead.on('error', () => undefined);
    const warnings: string[] = [];
    const limits = new SessionLimits(dead, prefix, { perIp: 1, perKey: 1, authFailures: 1 }, { warn: (_obj: object, msg: string) => void warnings.push(msg) });
    made.push({ limits, redis: dead });
    expect(await limits.admit('s1', '192.0.2.1')).toBe('ok');
    expect(await limits.admit('s2', '192.0.2.1')).toBe('ok');
    await limits.authFailed('192.0.2.1');
    expect(await limits.authBlocked('192.0.2.1')).toBe(false);
    expect(await limits.openKeySession('s1', 'key_a')).toBe('ok');
    expect(await limits.openKeySession('s2', 'key_a')).toBe('ok');
    await limits.renew();
    await limits.close('s1');
    expect(warnings).toEqual(['SMTP session limits (Redis) unavailable: let through, not counted']);
  });
});
