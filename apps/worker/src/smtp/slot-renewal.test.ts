import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { uniquePrefix } from '@herald/test/support/env.ts';
import { startMxSink, TEST_MX_PORT } from '@herald/test/support/mx-sink.ts';
import { testSmtpDeps } from '@herald/test/support/smtp-deps.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';
import type { Destination } from '../routing/destination.ts';
import { deliverToDestinations } from './deliver-to-destinations.ts';

/** Short enough to watch: a slot not renewed for 900 ms is free; holders renew every 300 ms. */
const LEASE_MS = 900;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const message = () => Buffer.from(`From: sender@herald.test\r\nTo: someone@lease.test\r\nSubject: ${randomBytes(4).toString('hex')}\r\n\r\nHello.\r\n`);
const mx = (host: string): Destination[] => [{ name: 'mx.lease.test', addresses: [host], port: TEST_MX_PORT, tls: 'opportunistic', implicitTls: false }];
const from = () => 'bounces+lease@herald.test';

/**
 * Two workers share one destination allowed a single connection (its slot kept in Redis). The one
 * holding the slot keeps it for as long as its session lives, however long that is; when it dies
 * (stops renewing without releasing, as a SIGKILL leaves it) the other gets the slot after the lease.
 */
describe('connection slots held by a worker', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    // the workers first, so that their sessions are closed before the sink waits for its connections to end
    for (const close of cleanup.splice(0)) await close();
  });

  async function twoWorkers(sink: Partial<Parameters<typeof startMxSink>[0]> = {}) {
    const prefix = uniquePrefix('lease');
    const limits = { maxConnections: 1, leaseMs: LEASE_MS };
    // sessions stay idle in the pool far longer than the lease
    const one = testSmtpDeps({ prefix, limits, pool: { idleMs: 30_000, maxAgeMs: 60_000 } });
    const two = testSmtpDeps({ prefix, limits, pool: { idleMs: 30_000, maxAgeMs: 60_000 } });
    const mxSink = await startMxSink(sink);
    cleanup.push(() => one.close(), () => two.close(), () => mxSink.close());
    return { one, two, sink: mxSink };
  }

  it('keeps its slot through a DATA transfer longer than the lease and while its session idles in the pool, and frees it when the session closes', async () => {
    let dataStarted = false;
    const { one, two, sink } = await twoWorkers({
      behaviour: {
        onDataStart: () => (dataStarted = true),
        data: () => sleep(2 * LEASE_MS).then(() => undefined),
      },
    });
    const sending = deliverToDestinations(one.deps, mx(sink.host), from, ['ann@lease.test'], message());
    await waitFor('the message to be on its way', () => dataStarted, 5_000, 10);
    await sleep(LEASE_MS + 300);
    expect(await two.limits.acquireSlot('mx.lease.test')).toBeNull();
    expect((await sending).kind).toBe('replies');

    // the session now waits in the pool, its slot still held
    expect(one.limits.held()).toBe(1);
    await sleep(2 * LEASE_MS);
    const blocked = await deliverToDestinations(two.deps, mx(sink.host), from, ['bob@lease.test'], message());
    expect(blocked).toMatchObject({ kind: 'postponed' });

    const closedAt = Date.now();
    await one.pool.closeAll();
    await waitFor('the slot to be free', () => two.limits.acquireSlot('mx.lease.test'), 2_000, 10);
    expect(Date.now() - closedAt).toBeLessThan(LEASE_MS / 2);
  });

  it('frees the slot of a worker that stopped renewing without releasing (killed) once the lease time has passed, and another worker then delivers', async () => {
    const { one, two, sink } = await twoWorkers();
    const first = await deliverToDestinations(one.deps, mx(sink.host), from, ['ann@lease.test'], message());
    expect(first.kind).toBe('replies');
    expect(one.limits.held()).toBe(1);

    one.limits.stop(); // the worker dies: its session and its slot stay where they are, unrenewed
    const stoppedAt = Date.now();
    expect(await deliverToDestinations(two.deps, mx(sink.host), from, ['bob@lease.test'], message())).toMatchObject({ kind: 'postponed' });
    const delivered = await waitFor(
      'the other worker to get the slot',
      async () => {
        const attempt = await deliverToDestinations(two.deps, mx(sink.host), from, ['bob@lease.test'], message());
        return attempt.kind === 'replies' ? attempt : null;
      },
      5_000,
      50,
    );
    const waited = Date.now() - stoppedAt;
    expect(delivered.replies.get('bob@lease.test')?.code).toBe(250);
    // the lease was last renewed at most a third of it before the stop
    expect(waited).toBeGreaterThan((2 * LEASE_MS) / 3 - 50);
    expect(waited).toBeLessThan(LEASE_MS + 500);
    expect(sink.received.map((m) => m.rcptTo)).toEqual([['ann@lease.test'], ['bob@lease.test']]);
  });
});

/**
 * Every running worker counts in a destination's connection shares, also one that has not delivered
 * for a while: counted only while delivering, the first worker to deliver after a quiet spell read
 * itself alone, opened the whole limit, and kept it in its pool while another worker's deliveries to
 * the destination waited for a slot (5 s) and went back to the queue (3 s more).
 */
describe('connection shares among running workers', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0)) await close();
  });

  it('gives the first worker to deliver after a quiet spell only its share, so the other delivers at once; a worker that left stops counting', async () => {
    const prefix = uniquePrefix('share');
    const limits = { maxConnections: 2, leaseMs: 60_000, shareEveryMs: 100 };
    const pool = { idleMs: 30_000, maxAgeMs: 60_000 };
    const one = testSmtpDeps({ prefix, limits, pool, hearFreedSlots: true });
    const two = testSmtpDeps({ prefix, limits, pool, hearFreedSlots: true });
    const sink = await startMxSink();
    let twoClosed = false;
    cleanup.push(() => one.close(), () => (twoClosed ? Promise.resolve() : two.close()), () => sink.close());

    // longer than a worker counts without saying it runs (three intervals): neither has delivered
    await sleep(400);
    const both = await Promise.all(['ann', 'cat'].map((name) => deliverToDestinations(one.deps, mx(sink.host), from, [`${name}@lease.test`], message())));
    expect(both.map((attempt) => attempt.kind)).toEqual(['replies', 'replies']);
    // one connection, its share of two; the second delivery took the first's session in turn
    expect(one.limits.held()).toBe(1);

    const started = Date.now();
    const other = await deliverToDestinations(two.deps, mx(sink.host), from, ['bob@lease.test'], message());
    expect(other).toMatchObject({ kind: 'replies' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(sink.received.map((m) => m.rcptTo).sort()).toEqual([['ann@lease.test'], ['bob@lease.test'], ['cat@lease.test']]);

    // the other worker stops: its share comes back at the next reading, and no heartbeat of its own adds it again
    await two.close();
    twoClosed = true;
    await sleep(150);
    expect(await one.limits.connectionShare()).toBe(2);
    await sleep(400);
    expect(await one.limits.connectionShare()).toBe(2);
  });
});
