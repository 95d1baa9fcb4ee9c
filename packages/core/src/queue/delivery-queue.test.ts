import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';
import { createDeliveryQueues, createRedis, deliveryJobId, enqueueDeliveries, type DeliveryQueues } from './delivery-queue.ts';
import type { RedisClient } from './redis-connection.ts';

/**
 * enqueueDeliveries against a real Redis: one job is added with BullMQ's `add`, several with `addBulk`
 * (delivery-queue.ts says why); either way each job has its id, its data and, scheduled, its delay.
 */
describe('enqueueDeliveries', () => {
  let redis: RedisClient;
  let queues: DeliveryQueues;

  beforeAll(() => {
    redis = createRedis(TEST_REDIS_URL);
    queues = createDeliveryQueues(redis, uniquePrefix('enqueue'));
  });
  afterAll(async () => {
    await queues.single.obliterate({ force: true });
    await queues.batches.obliterate({ force: true });
    await queues.close();
    redis.disconnect();
  });

  const delivery = (n: number, domain = 'example.org') => ({ messageId: `msg_enqueue${n}`, domain });

  it('adds one batch job alone, with the batch id and its deliveries', async () => {
    await enqueueDeliveries(queues, [
      { data: delivery(1), delayMs: 0, batch: 'batch_one' },
      { data: delivery(2), delayMs: 0, batch: 'batch_one' },
    ]);
    const job = await queues.batches.getJob('batch_one');
    expect(job?.name).toBe('deliver-batch');
    expect(job?.data).toEqual({ deliveries: [delivery(1), delivery(2)] });
    expect(await job?.isWaiting()).toBe(true);
  });

  it('adds one scheduled delivery alone, delayed, under its deterministic id', async () => {
    await enqueueDeliveries(queues, [{ data: delivery(3), delayMs: 60_000 }]);
    const job = await queues.single.getJob(deliveryJobId(delivery(3)));
    expect(job?.data).toEqual(delivery(3));
    expect(job?.opts.delay).toBe(60_000);
    expect(await job?.isDelayed()).toBe(true);
  });

  it('adds several of each in one call, every one with its own id, data and delay', async () => {
    await enqueueDeliveries(queues, [
      { data: delivery(4), delayMs: 30_000 },
      { data: delivery(5, 'example.net'), delayMs: 90_000 },
      { data: delivery(6), delayMs: 0, batch: 'batch_two' },
      { data: delivery(7), delayMs: 0, batch: 'batch_three' },
    ]);
    const [four, five] = await Promise.all([queues.single.getJob(deliveryJobId(delivery(4))), queues.single.getJob(deliveryJobId(delivery(5, 'example.net')))]);
    expect([four?.data, four?.opts.delay]).toEqual([delivery(4), 30_000]);
    expect([five?.data, five?.opts.delay]).toEqual([delivery(5, 'example.net'), 90_000]);
    expect((await queues.batches.getJob('batch_two'))?.data).toEqual({ deliveries: [delivery(6)] });
    expect((await queues.batches.getJob('batch_three'))?.data).toEqual({ deliveries: [delivery(7)] });
  });

  it('adds nothing again for a delivery whose job exists (the id is deterministic)', async () => {
    await enqueueDeliveries(queues, [{ data: delivery(3), delayMs: 5_000 }]);
    const job = await queues.single.getJob(deliveryJobId(delivery(3)));
    expect(job?.opts.delay).toBe(60_000);
    expect(await queues.single.getDelayedCount()).toBe(3);
  });
});
