import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { FAULT_ENV } from '../support/fault-stack.ts';
import { startRedisCluster, type TestRedisCluster } from '../support/redis-cluster.ts';
import { accepted, deliveryChecks, type Outcome } from '../support/delivery-checks.ts';

/** The fault suite's quick locks and sweeper; 50 requests/s per key in bursts of 100 (twice the rate); two connections to the test MX at most, shared by both workers. */
const ENV = { ...FAULT_ENV, HERALD_RATE_LIMIT_PER_KEY: 50, HERALD_MAX_CONNECTIONS_PER_DESTINATION: 2 };
const CONNECTION_LIMIT = 2;

/**
 * Issue 23: Herald's API and two workers on a real Redis Cluster of three masters with a replica
 * each (BullMQ queues, rate limits, quotas, destination limits, sweeper lock, all on the cluster).
 * A master failing over in the middle of delivery is not here yet: the test of it (in git history,
 * commit e6a0967) failed in CI, with waiting jobs that no worker took after the failover
 * (docs/redis-cluster.md, "Open problem").
 */
describe('Herald on a Redis Cluster (3 masters, 3 replicas)', () => {
  let cluster: TestRedisCluster;
  let stack: HeraldStack;
  /** DATA phases in progress at the MX now, and the most there ever were at once. */
  let inData = 0;
  let maxInData = 0;
  /** How long the MX takes to answer a message's final dot. */
  const answerMs = 15;

  const checks = () => deliveryChecks(stack);

  beforeAll(async () => {
    cluster = await startRedisCluster();
    stack = await startHeraldStack({
      label: 'cluster',
      redisUrl: cluster.url,
      workers: 2,
      smtp: true,
      env: ENV,
      sink: {
        onDataStart: () => {
          inData++;
          maxInData = Math.max(maxInData, inData);
        },
        // each message takes the MX a moment, so that deliveries overlap and the limit is tested
        data: async () => {
          await new Promise((resolve) => setTimeout(resolve, answerMs));
          inData--;
          return undefined;
        },
      },
    });
  }, 90_000);

  afterAll(async () => {
    await stack?.stop();
    await cluster?.stop();
  });

  it('sends a few hundred messages end to end, the rate limit and the connection limit holding across processes', async () => {
    // one request first: the limiter's connection has loaded its script on the node of the project's slot
    // (a cold start under a burst of 150 can pass the limiter's 200 ms, and the limiter then lets
    // requests through, by design)
    const warm = await checks().sendOne(0, 'warm', false);
    expect(warm.status).toBe(202);
    await new Promise((resolve) => setTimeout(resolve, 100));
    // a burst of 150: the key's bucket holds 100 and refills at 50/s, whichever process asks
    const started = Date.now();
    // (20 at a time, as fast as they are answered: a limiter answer slower than 200 ms lets the request
    // through by design, and 150 requests queued at once on a busy 2-core test machine can take that long)
    const burst: Outcome[] = [];
    let nextBurst = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (nextBurst < 150) burst.push(await checks().sendOne(nextBurst++, 'burst', false));
      }),
    );
    const elapsedS = (Date.now() - started) / 1_000;
    const burstAccepted = accepted(burst);
    const limiterWarnings = stack.api
      .output()
      .split('\n')
      .filter((line) => line.includes('rate limiter unavailable'));
    if (limiterWarnings.length > 0) console.info(`redis-cluster: the rate limiter failed open: ${limiterWarnings.join('\n')}`);
    const refused = burst.filter((o) => o.status === 429).length;
    expect(burstAccepted.length + refused).toBe(150);
    expect(burstAccepted.length).toBeGreaterThanOrEqual(100);
    expect(burstAccepted.length).toBeLessThanOrEqual(100 + Math.ceil(50 * elapsedS) + 1);
    // refusals are certain only when the burst was faster than the bucket's refill (a loaded machine can be slower)
    if (elapsedS < 0.9) expect(refused).toBeGreaterThan(0);

    const paced = accepted(await checks().sendPaced(200, 'paced'));
    expect(paced).toHaveLength(200);

    const ids = [warm.id as string, ...burstAccepted, ...paced];
    const report = await checks().settle(ids);
    console.info(
      `redis-cluster: ${ids.length} messages (${burstAccepted.length} of a burst of 150 let through in ${elapsedS.toFixed(2)} s, ${refused} refused with 429), at most ${maxInData} at once in DATA at the MX (limit ${CONNECTION_LIMIT})`,
    );
    expect(report.statuses).toEqual({ delivered: ids.length });
    expect(report.wrongDeliveredEvents).toEqual([]);
    expect(report.neverReceived).toEqual([]);
    expect(report.duplicates).toBe(0);
    expect(maxInData).toBeLessThanOrEqual(CONNECTION_LIMIT);
    // both workers took part
    for (const worker of stack.workers) expect(worker.output()).toMatch(/delivered/);
    // the limits were counted on the cluster, not let through because Redis refused them (CROSSSLOT, say)
    expect(stack.api.output()).not.toMatch(/rate limiter unavailable|CROSSSLOT/);
    for (const worker of stack.workers) expect(worker.output()).not.toMatch(/CROSSSLOT|same slot/);
  }, 90_000);

  it('accepts over SMTP submission too (its session limits, quota and queue on the cluster)', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack.smtp?.port,
      secure: false,
      requireTLS: true,
      pool: true,
      maxConnections: 2,
      auth: { user: 'herald', pass: stack.apiKey },
      tls: { rejectUnauthorized: false }, // the development certificate is self-signed
    });
    try {
      const infos = await Promise.all(
        Array.from({ length: 20 }, (_, i) => transport.sendMail({ from: `smtp@${stack.senderDomain}`, to: `smtp${i}@${stack.recipientDomain}`, subject: `over smtp ${i}`, text: `message ${i}` })),
      );
      const ids = infos.map((info) => /queued as (msg_\w+)/.exec(info.response)?.[1] as string);
      expect(ids.every((id) => /^msg_/.test(id))).toBe(true);
      const report = await checks().settle(ids);
      expect(report.statuses).toEqual({ delivered: 20 });
      expect(report.wrongDeliveredEvents).toEqual([]);
    } finally {
      transport.close();
    }
  }, 60_000);
});
