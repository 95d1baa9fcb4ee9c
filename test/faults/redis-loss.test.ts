import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptedIds, startFaultStack, type FaultStack } from '../support/fault-stack.ts';
import { waitFor } from '../support/wait-for.ts';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Redis only distributes work: Postgres knows what is owed. Losing every key (FLUSHALL, or a restart
 * without persistence) while mail is queued, deferred and scheduled, or Redis being down when
 * messages arrive, must lose nothing and re-send nothing.
 */
describe('fault: Redis loses its data or is down', () => {
  let stack: FaultStack;
  const deferredOnce = new Set<string>();
  beforeAll(async () => {
    stack = await startFaultStack('redis', {
      workers: 2,
      sink: {
        // every "later-…" recipient is turned away once with 450: it becomes deferred, retried in a second
        rcpt: (address) => {
          if (!address.startsWith('later-') || deferredOnce.has(address)) return undefined;
          deferredOnce.add(address);
          return { code: 450, message: '4.2.1 mailbox busy' };
        },
        data: () => sleep(20).then(() => undefined),
      },
    });
  }, 120_000);
  afterAll(() => stack?.teardown());

  it('delivers queued, deferred and scheduled mail exactly once after FLUSHALL mid-run', async () => {
    const sendAt = new Date(Date.now() + 5_000).toISOString();
    const body = (i: number) => {
      const kind = i % 5 === 0 ? 'later' : i % 5 === 1 ? 'scheduled' : 'now';
      return {
        from: `fault@${stack.senderDomain}`,
        to: `${kind}-${i}@${stack.recipientDomain}`,
        subject: `flush ${i}`,
        text: `message ${i}`,
        ...(kind === 'scheduled' ? { send_at: sendAt } : {}),
      };
    };
    const outcomes = await stack.sendMany(150, { parallel: 10, body });
    const ids = acceptedIds(outcomes);
    expect(ids).toHaveLength(150);

    // some delivered, some deferred, the scheduled ones still waiting: then Redis forgets everything
    await waitFor('a third of the mail to arrive', () => stack.sink.received.length >= 50, 60_000);
    const before = await stack.query<{ status: string; n: string }>('SELECT status, count(*) AS n FROM messages WHERE id = ANY($1) GROUP BY status', [ids]);
    await stack.redis.flushAll();
    const waiting = before.filter((r) => r.status !== 'delivered').reduce((sum, r) => sum + Number(r.n), 0);
    expect(waiting).toBeGreaterThan(0);

    const report = await stack.settle(ids, 120_000);
    expect(report.missing).toEqual([]);
    expect(new Set(report.statuses.values())).toEqual(new Set(['delivered']));
    expect(report.wrongDeliveredEvents).toEqual([]);
    expect(report.neverReceived).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect([...deferredOnce].length).toBeGreaterThanOrEqual(30);

    // the sweeper also put back the periodic maintenance jobs the flush erased
    const connection = new Redis(stack.redis.url, { maxRetriesPerRequest: null });
    const maintenance = new Queue('maintenance', { connection, prefix: stack.env.HERALD_QUEUE_PREFIX });
    try {
      await waitFor('the maintenance schedules to be back', async () => (await maintenance.getJobScheduler('retention')) && (await maintenance.getJobScheduler('domain-recheck')), 10_000);
    } finally {
      await maintenance.close();
      connection.disconnect();
    }
  });

  it('answers 202 while Redis is down (the message is committed), reports not ready, and delivers once Redis is back', async () => {
    await stack.redis.stop();
    try {
      const outcomes = await stack.sendMany(20, { parallel: 10 });
      expect(outcomes.map((o) => o.status)).toEqual(new Array(20).fill(202));
      const ids = acceptedIds(outcomes);
      const stored = await stack.query<{ id: string }>('SELECT id FROM messages WHERE id = ANY($1)', [ids]);
      expect(stored).toHaveLength(20);
      const ready = await fetch(`${stack.apiUrl}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as { checks: Record<string, string> }).checks).toMatchObject({ postgres: 'ok', migrations: 'ok', redis: expect.not.stringMatching(/^ok$/) as unknown });
      await sleep(1_000);
      expect(stack.sink.received.filter((m) => ids.some((id) => m.raw.includes(id))).length).toBe(0);

      await stack.redis.start(); // empty, as after a restart without persistence
      const report = await stack.settle(ids, 60_000);
      expect(new Set(report.statuses.values())).toEqual(new Set(['delivered']));
      expect(report.wrongDeliveredEvents).toEqual([]);
      expect(report.neverReceived).toEqual([]);
      expect(report.duplicates).toBe(0);
      expect((await fetch(`${stack.apiUrl}/readyz`)).status).toBe(200);
    } finally {
      await stack.redis.start().catch(() => undefined);
    }
  });
});
