import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accepted, deliveryChecks } from '../support/delivery-checks.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { startRedisSentinel, type TestRedisSentinel } from '../support/redis-sentinel.ts';
import { waitFor } from '../support/wait-for.ts';

/**
 * Herald's API and two workers on a master watched by three Sentinels (REDIS_URL redis+sentinel://),
 * the master killed mid-delivery: the Sentinels promote the replica, the processes follow them to it.
 */
describe('Herald on Redis Sentinel', () => {
  let sentinel: TestRedisSentinel;
  let stack: HeraldStack;

  beforeAll(async () => {
    sentinel = await startRedisSentinel();
    stack = await startHeraldStack({
      label: 'sentinel',
      redisUrl: sentinel.url,
      workers: 2,
      env: {
        HERALD_JOB_LOCK_TIMEOUT: '5s',
        HERALD_SWEEP_INTERVAL: '1s',
        HERALD_SWEEP_GRACE: '3s',
        HERALD_RETRY_SCHEDULE: '1s,2s,3s',
        HERALD_RATE_LIMIT_PER_KEY: 10_000,
        HERALD_RATE_LIMIT_PER_PROJECT: 10_000,
      },
      sink: { data: () => new Promise((resolve) => setTimeout(() => resolve(undefined), 10)) },
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await sentinel?.stop();
  });

  it('loses nothing and delivers each message once when the master fails over mid-delivery', async () => {
    const checks = deliveryChecks(stack);
    const master = await sentinel.master();
    const before = stack.sink.received.length;
    const sending = checks.sendPaced(150, 'sentinel', 6);
    await waitFor('deliveries to be under way', () => stack.sink.received.length - before >= 30, 30_000, 20);
    const killedAt = Date.now();
    await sentinel.kill(master);
    const promoted = await waitFor('the Sentinels to promote the replica', async () => {
      const now = await sentinel.master();
      return now !== master ? now : null;
    }, 30_000, 100);
    const failoverMs = Date.now() - killedAt;
    const ids = accepted(await sending);
    expect(ids).toHaveLength(150);
    const report = await checks.settle(ids, 90_000);
    console.info(`redis-sentinel: master ${master} killed; replica ${promoted} promoted within ${failoverMs} ms; ${report.duplicates} duplicate copies at the MX`);
    expect(report.statuses).toEqual({ delivered: 150 });
    expect(report.wrongDeliveredEvents).toEqual([]);
    expect(report.neverReceived).toEqual([]);
    expect(report.duplicates).toBe(0);
  }, 150_000);
});
