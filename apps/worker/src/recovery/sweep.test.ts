import { createDeliveryQueues, createLogger, createRedis, deliveryJobId, sqlPool, type DeliveryJob, type DeliveryQueue, type DeliveryQueues } from '@herald/core';
import type { RedisClient } from '@herald/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { migratedThrowawayDatabase, type ThrowawayDatabase } from '@herald/test/support/throwaway-database.ts';
import { FIRST_PAGE, sweepOrphans, sweepPage } from './sweep.ts';

/**
 * The sweeper against real Postgres and Redis. Messages are accepted through the real intake with the
 * enqueue captured (as if Redis had lost the jobs); the sweep must find exactly those that need a job.
 * A database of its own: the sweep reads every project's recipients.
 */
describe('sweepOrphans', () => {
  let database: ThrowawayDatabase;
  let h: DeliveryHarness;
  let redis: RedisClient;
  let queues: DeliveryQueues;
  let queue: DeliveryQueue;
  const log = createLogger('test-sweep', 'silent');
  const GRACE = 60_000;
  const ago = (ms: number) => new Date(Date.now() - ms);

  beforeAll(async () => {
    database = await migratedThrowawayDatabase('sweep');
    h = await startDeliveryHarness('sweep', {}, { databaseUrl: database.url });
    redis = createRedis(TEST_REDIS_URL);
    queues = createDeliveryQueues(redis, uniquePrefix('sweep'));
    queue = queues.single;
  });
  afterAll(async () => {
    await queue.obliterate({ force: true });
    await queues.batches.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
    await h.close();
    await database.drop();
  });
  beforeEach(async () => {
    // every test starts with no message waiting and an empty queue
    await h.db.recipient.updateMany({ where: { status: { in: ['queued', 'deferred'] } }, data: { status: 'delivered', finalAt: new Date() } });
    await queue.obliterate({ force: true });
    await queues.batches.obliterate({ force: true });
  });

  const sweep = (batchSize?: number) => sweepOrphans({ db: h.db, queues, clock: () => new Date(), log }, { graceMs: GRACE, batchSize });
  const accept = async (createdAgoMs: number, extra: Parameters<DeliveryHarness['accept']>[0] = { to: [{ email: 'a@one.test' }] }) => {
    h.now = ago(createdAgoMs);
    const accepted = await h.accept(extra);
    h.now = new Date();
    return accepted;
  };
  const state = (job: DeliveryJob) => queue.getJobState(deliveryJobId(job));

  it('enqueues, once, a due message whose job never reached Redis, one job per recipient domain', async () => {
    const { id, jobs } = await accept(5 * 60_000, { to: [{ email: 'a@one.test' }, { email: 'b@two.test' }, { email: 'c@two.test' }] });
    expect(jobs).toHaveLength(2);
    const first = await sweep();
    expect(first.enqueued).toEqual(expect.arrayContaining(jobs));
    expect(first.enqueued).toHaveLength(2);
    expect(await Promise.all(jobs.map(state))).toEqual(['waiting', 'waiting']);
    expect((await queue.getJob(deliveryJobId({ messageId: id, domain: 'two.test' })))?.data).toEqual({ messageId: id, domain: 'two.test' });

    const second = await sweep();
    expect(second).toEqual({ checked: 2, enqueued: [] });
  });

  it('leaves alone what is not yet due, final, in flight, or has a live job', async () => {
    await accept(10_000); // accepted just now: inside the grace period
    const deferred = await accept(30 * 60_000);
    await h.db.recipient.updateMany({ where: { messageId: deferred.id }, data: { status: 'deferred', nextAttemptAt: new Date(Date.now() + 600_000) } });
    const inFlight = await accept(30 * 60_000);
    await h.db.recipient.updateMany({ where: { messageId: inFlight.id }, data: { sendingUntil: new Date(Date.now() + 60_000) } });
    const scheduled = await accept(30 * 60_000, { to: [{ email: 's@one.test' }], sendAt: new Date(Date.now() + 3_600_000) });
    const delayed = await accept(30 * 60_000);
    await queue.add('deliver', delayed.jobs[0] as DeliveryJob, { jobId: deliveryJobId(delayed.jobs[0] as DeliveryJob), delay: 60_000 });
    const bounced = await accept(30 * 60_000);
    await h.db.recipient.updateMany({ where: { messageId: bounced.id }, data: { status: 'bounced', finalAt: new Date() } });

    expect(await sweep()).toEqual({ checked: 1, enqueued: [] }); // only the delayed one was looked up
    expect(await state(delayed.jobs[0] as DeliveryJob)).toBe('delayed');
    expect(await state(scheduled.jobs[0] as DeliveryJob)).toBe('unknown');
  });

  it('enqueues a deferred recipient whose retry time has passed, a scheduled message whose time has come, and an expired in-flight mark', async () => {
    const deferred = await accept(3_600_000);
    await h.db.recipient.updateMany({ where: { messageId: deferred.id }, data: { status: 'deferred', nextAttemptAt: ago(5 * 60_000) } });
    const scheduled = await accept(3_600_000, { to: [{ email: 's@one.test' }], sendAt: ago(5 * 60_000) });
    const stale = await accept(3_600_000);
    await h.db.recipient.updateMany({ where: { messageId: stale.id }, data: { sendingUntil: ago(1_000) } });
    const result = await sweep();
    expect(result.enqueued).toEqual(expect.arrayContaining([...deferred.jobs, ...scheduled.jobs, ...stale.jobs]));
    expect(result.enqueued).toHaveLength(3);
  });

  it('replaces a failed job (an error, or stalled too often) and a completed one while recipients still wait', async () => {
    const failed = await accept(5 * 60_000);
    const completed = await accept(5 * 60_000);
    const failedJob = failed.jobs[0] as DeliveryJob;
    const completedJob = completed.jobs[0] as DeliveryJob;
    await queue.add('deliver', failedJob, { jobId: deliveryJobId(failedJob) });
    await queue.add('deliver', completedJob, { jobId: deliveryJobId(completedJob) });
    // take both jobs as a worker would, then finish one as failed and the other as completed
    const { Worker } = await import('bullmq');
    const worker = new Worker(
      queue.name,
      async (job) => {
        if (job.id === deliveryJobId(failedJob)) throw new Error('job stalled more than allowable limit');
        return null;
      },
      { connection: createRedis(TEST_REDIS_URL), prefix: queue.opts.prefix, autorun: true },
    );
    await new Promise<void>((resolve) => {
      let finished = 0;
      const done = () => ++finished === 2 && resolve();
      worker.on('completed', done);
      worker.on('failed', done);
    });
    await worker.close();
    expect([await state(failedJob), await state(completedJob)]).toEqual(['failed', 'completed']);

    const result = await sweep();
    expect(result.enqueued).toEqual(expect.arrayContaining([failedJob, completedJob]));
    expect([await state(failedJob), await state(completedJob)]).toEqual(['waiting', 'waiting']);
  });

  it('leaves alone a delivery whose batch job is alive, and enqueues it on its own once the batch job is gone', async () => {
    const { id, jobs } = await accept(5 * 60_000);
    const [row] = await h.db.recipient.findMany({ where: { messageId: id }, select: { batchJobId: true } });
    const batchId = row?.batchJobId as string;
    expect(batchId).toMatch(/^batch_/);
    await queues.batches.add('deliver-batch', { deliveries: jobs }, { jobId: batchId, delay: 60_000 });
    expect(await sweep()).toEqual({ checked: 1, enqueued: [] });
    expect(await state(jobs[0] as DeliveryJob)).toBe('unknown');

    await (await queues.batches.getJob(batchId))?.remove();
    expect((await sweep()).enqueued).toEqual(jobs);
    expect(await state(jobs[0] as DeliveryJob)).toBe('waiting');
  });

  it('reads Postgres page by page and finds every orphan', async () => {
    const accepted = await Promise.all(Array.from({ length: 7 }, () => accept(5 * 60_000)));
    const result = await sweep(2);
    expect(result.checked).toBe(7);
    expect(result.enqueued).toEqual(expect.arrayContaining(accepted.flatMap((a) => a.jobs)));
  });

  it('reads one page of pending recipients per query, however many wait after it, and skips those of messages inside the grace period', async () => {
    // 300 messages of half an hour ago waiting for a retry in ten minutes (a backlog), five of them
    // due; 100 messages accepted just now (inside the grace period)
    const waiting = [];
    for (let i = 0; i < 300; i++) waiting.push(await accept(30 * 60_000));
    const due = waiting.filter((_, i) => i % 60 === 7);
    await h.db.recipient.updateMany({ where: { messageId: { in: waiting.map((a) => a.id) } }, data: { status: 'deferred', nextAttemptAt: new Date(Date.now() + 600_000) } });
    await h.db.recipient.updateMany({ where: { messageId: { in: due.map((a) => a.id) } }, data: { nextAttemptAt: ago(10 * 60_000) } });
    for (let i = 0; i < 100; i++) await accept(0);

    // a page's plan: the rows it read from recipients, counted node by node
    interface PlanNode { 'Relation Name'?: string; 'Actual Rows': number; 'Actual Loops': number; Plans?: PlanNode[] }
    const rowsRead = (node: PlanNode): number =>
      (node['Relation Name']?.startsWith('recipients') ? node['Actual Rows'] * node['Actual Loops'] : 0) + (node.Plans ?? []).reduce((n, child) => n + rowsRead(child), 0);
    const page = async (after: DeliveryJob, size: number) => {
      const query = sweepPage(after, new Date(), GRACE, size);
      const { rows } = await sqlPool(h.db).query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`EXPLAIN (ANALYZE, FORMAT JSON) ${query.text}`, query.values);
      return (rows[0]?.['QUERY PLAN'][0] as { Plan: PlanNode }).Plan;
    };
    // the first page of 20: its 20 pairs and their 20 recipients, where paging through the status index read all 400 for every page
    const first = await page(FIRST_PAGE, 20);
    expect(first['Actual Rows']).toBe(20);
    expect(rowsRead(first)).toBeGreaterThanOrEqual(40);
    expect(rowsRead(first)).toBeLessThan(100);
    // after the last waiting message, only the recent ones are pending: the page ends at once
    const last = waiting.map((a) => a.id).sort().at(-1) as string;
    const end = await page({ messageId: last, domain: 'zzzz' }, 20);
    expect(end['Actual Rows']).toBe(0);
    expect(rowsRead(end)).toBe(0);

    // and paging through them all finds exactly the five due, whatever page each is on
    const result = await sweep(20);
    expect(result.checked).toBe(5);
    expect(result.enqueued).toEqual(expect.arrayContaining(due.flatMap((a) => a.jobs)));
    expect(result.enqueued).toHaveLength(5);
  });
});
