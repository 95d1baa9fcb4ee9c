import { createLogger, ensurePartitions, findRawMessage, idInTimeOf, newId, partitionName, periodStart } from '@herald/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { migratedThrowawayDatabase, type ThrowawayDatabase } from '@herald/test/support/throwaway-database.ts';
import { applyRetention } from './retention.ts';

const DAY = 86_400_000;

/**
 * Retention on a database of its own (it deletes across every project), with rows of known ages. Here
 * the database has partitions from the current interval on only (a new one's): the older rows are in
 * the default partitions, deleted row by row (as in the partition left from before partitioning).
 */
describe('applyRetention, row by row', () => {
  let database: ThrowawayDatabase;
  let h: DeliveryHarness;
  const log = createLogger('test-retention', 'silent');
  const daysAgo = (days: number) => new Date(Date.now() - days * DAY);

  beforeAll(async () => {
    database = await migratedThrowawayDatabase('retention');
    h = await startDeliveryHarness('retention', {}, { databaseUrl: database.url });
  });
  afterAll(async () => {
    await h.close();
    await database.drop();
  });

  /** A message accepted `days` ago (its queued event too), its recipient then given `status`. */
  const message = async (days: number, status: 'delivered' | 'deferred' | 'bounced') => {
    h.now = daysAgo(days);
    const { id } = await h.accept({ to: [{ email: 'someone@elsewhere.test' }] });
    h.now = new Date();
    await h.db.recipient.updateMany({ where: { messageId: id }, data: { status, finalAt: status === 'deferred' ? null : daysAgo(days) } });
    return id;
  };
  const retention = (options: { batchSize?: number; maxBatches?: number } = {}) =>
    applyRetention({ db: h.deps.db, clock: () => new Date(), log, rawRetentionMs: 30 * DAY, eventRetentionMs: 90 * DAY, pauseMs: 0, ...options });
  /** The message's content (its row in message_contents), null once deleted. */
  const raw = async (id: string) => {
    const { content } = await h.db.message.findUniqueOrThrow({ where: { id }, select: { content: true } });
    return { raw: content ? Buffer.from(content.raw) : null };
  };

  it('deletes old content once every recipient is final, keeps the message row, and keeps young or unfinished content', async () => {
    const oldDone = await message(40, 'delivered');
    const oldBounced = await message(31, 'bounced');
    const oldWaiting = await message(40, 'deferred');
    const young = await message(10, 'delivered');

    const before = new Map(await Promise.all([oldWaiting, young].map(async (id) => [id, (await raw(id)).raw] as const)));

    const result = await retention();
    expect(result.rawPurged).toBe(2);
    for (const id of [oldDone, oldBounced]) {
      expect(await raw(id)).toEqual({ raw: null });
      expect(await h.db.recipient.count({ where: { messageId: id } })).toBe(1);
      // what GET /v1/messages/{id}/raw reads: the message is there, its content is not (the route answers 404)
      expect(await findRawMessage(h.db, h.projectId, id)).toEqual({ raw: null });
    }
    for (const id of [oldWaiting, young]) {
      const kept = await raw(id);
      expect(kept.raw?.equals(before.get(id) as Buffer)).toBe(true);
    }
    expect((await retention()).rawPurged).toBe(0);
  });

  it('removes the raw text of received notifications with messages’ content, keeping the report rows and younger text', async () => {
    const id = await message(40, 'bounced');
    const report = (days: number) => ({
      id: newId('report'), projectId: h.projectId, messageId: id, kind: 'dsn', mailFrom: '', rcptTo: 'bounces+x@bounces.herald.test',
      size: 5, raw: new Uint8Array(Buffer.from('hello')), createdAt: daysAgo(days),
    });
    const [old, young] = [report(31), report(29)];
    await h.db.feedbackReport.createMany({ data: [old, young] });
    expect((await retention()).reportsPurged).toBe(1);
    expect(await h.db.feedbackReport.findUniqueOrThrow({ where: { id: old.id } })).toMatchObject({ raw: null, size: 5 });
    expect((await h.db.feedbackReport.findUniqueOrThrow({ where: { id: young.id } })).raw).not.toBeNull();
  });

  it('deletes events and finished webhook deliveries older than their retention, and nothing younger or pending', async () => {
    const old = await message(100, 'delivered');
    const recent = await message(60, 'delivered');
    const endpoint = await h.db.webhookEndpoint.create({
      data: { id: newId('webhook'), projectId: h.projectId, url: 'https://hooks.example/', secretEncrypted: 'x' },
    });
    const delivery = (days: number, status: 'succeeded' | 'pending') => ({
      id: newId('webhookDelivery', daysAgo(days).getTime()),
      endpointId: endpoint.id,
      projectId: h.projectId,
      eventType: 'message.delivered',
      payload: {},
      status,
      createdAt: daysAgo(days),
    });
    await h.db.webhookDelivery.createMany({ data: [delivery(100, 'succeeded'), delivery(100, 'pending'), delivery(10, 'succeeded')] });

    const result = await retention();
    expect(result.eventsDeleted).toBe(1);
    expect(result.webhookDeliveriesDeleted).toBe(1);
    expect(await h.db.event.count({ where: { messageId: old } })).toBe(0);
    expect(await h.db.event.count({ where: { messageId: recent } })).toBe(1);
    expect(await h.db.webhookDelivery.groupBy({ by: ['status'], where: { endpointId: endpoint.id }, _count: true })).toEqual(
      expect.arrayContaining([
        { status: 'pending', _count: 1 },
        { status: 'succeeded', _count: 1 },
      ]),
    );
  });

  it("deletes events by their own time, in id order: a late event of an old message (its id in the message's time) stays until its time is past", async () => {
    const first = await message(120, 'bounced');
    const second = await message(110, 'bounced');
    // a report weeks after the first message: its event's id sorts before the second message's events
    const late = { id: idInTimeOf('event', first), projectId: h.projectId, messageId: first, type: 'complained' as const, email: 'someone@elsewhere.test', createdAt: daysAgo(5) };
    await h.db.event.create({ data: late });

    const result = await retention({ batchSize: 1 });
    expect(result.eventsDeleted).toBe(2);
    expect(await h.db.event.findMany({ where: { messageId: { in: [first, second] } }, select: { id: true } })).toEqual([{ id: late.id }]);
  });

  it('works in batches: all of them until done, or only as many as a run is allowed', async () => {
    const ids = await Promise.all(Array.from({ length: 5 }, () => message(45, 'delivered')));
    expect((await retention({ batchSize: 2, maxBatches: 1 })).rawPurged).toBe(2);
    expect((await retention({ batchSize: 2 })).rawPurged).toBe(3);
    for (const id of ids) expect((await raw(id)).raw).toBeNull();
  });
});

/**
 * Retention on a database whose partitions reach back four months (as in one that has run that long):
 * intervals past their setting are dropped whole; what must stay is moved to the default partition
 * first and deleted there once it may be.
 */
describe('applyRetention, whole partitions', () => {
  let database: ThrowawayDatabase;
  let h: DeliveryHarness;
  const log = createLogger('test-retention', 'silent');
  const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
  const retention = () => applyRetention({ db: h.deps.db, clock: () => new Date(), log, rawRetentionMs: 30 * DAY, eventRetentionMs: 90 * DAY, pauseMs: 0 });
  const partitionOf = async (table: string, id: string) =>
    (await h.db.$queryRawUnsafe<{ p: string }[]>(`SELECT tableoid::regclass::text AS p FROM ${table} WHERE id = $1`, id))[0]?.p ?? null;

  beforeAll(async () => {
    database = await migratedThrowawayDatabase('retention_partitions');
    await database.withClient((client) => ensurePartitions(client, new Date(), { since: daysAgo(130) }));
    h = await startDeliveryHarness('retention-partitions', {}, { databaseUrl: database.url });
  });
  afterAll(async () => {
    await h.close();
    await database.drop();
  });

  const message = async (days: number, status: 'delivered' | 'deferred') => {
    h.now = daysAgo(days);
    const { id } = await h.accept({ to: [{ email: 'someone@elsewhere.test' }] });
    h.now = new Date();
    await h.db.recipient.updateMany({ where: { messageId: id }, data: { status, finalAt: status === 'deferred' ? null : daysAgo(days) } });
    return id;
  };

  it("drops the days and weeks past their setting, keeping a message's content while it is sent or scheduled, and a pending webhook", async () => {
    const old = await message(100, 'delivered');
    const oldDone = await message(40, 'delivered');
    const oldWaiting = await message(40, 'deferred');
    const young = await message(10, 'delivered');
    // accepted 40 days ago for 25 days later, and still scheduled (found by messages_scheduled_idx)
    h.now = daysAgo(40);
    const { id: oldScheduled } = await h.accept({ to: [{ email: 'someone@elsewhere.test' }], sendAt: daysAgo(15) });
    h.now = new Date();
    expect(await h.db.message.findUniqueOrThrow({ where: { id: oldScheduled }, select: { status: true } })).toEqual({ status: 'scheduled' });
    expect(await partitionOf('message_contents', oldDone)).toBe(partitionName('message_contents', periodStart(daysAgo(40), 'day')));
    const endpoint = await h.db.webhookEndpoint.create({ data: { id: newId('webhook'), projectId: h.projectId, url: 'https://hooks.example/', secretEncrypted: 'x' } });
    const delivery = (status: 'pending' | 'succeeded') => ({
      id: idInTimeOf('webhookDelivery', old), endpointId: endpoint.id, projectId: h.projectId, eventType: 'message.delivered', payload: {}, status, createdAt: daysAgo(100),
    });
    const [pending, done] = [delivery('pending'), delivery('succeeded')];
    await h.db.webhookDelivery.createMany({ data: [pending, done] });

    const result = await retention();
    const oldWeek = (table: string) => partitionName(table, periodStart(daysAgo(100), 'week'));
    expect(result.partitionsDropped).toEqual(expect.arrayContaining([
      partitionName('message_contents', periodStart(daysAgo(40), 'day')), oldWeek('events'), oldWeek('webhook_deliveries'),
    ]));
    expect(result.partitionsDropped).not.toContain(partitionName('events', periodStart(daysAgo(40), 'week')));
    expect(result.rowsKept).toBe(3);
    // content: the finished message's gone with its day, the unfinished one's moved aside, the young one's untouched
    expect(await h.db.messageContent.count({ where: { id: { in: [old, oldDone] } } })).toBe(0);
    expect(await partitionOf('message_contents', oldWaiting)).toBe('message_contents_p_default');
    expect(await partitionOf('message_contents', oldScheduled)).toBe('message_contents_p_default');
    expect(await partitionOf('message_contents', young)).toBe(partitionName('message_contents', periodStart(daysAgo(10), 'day')));
    // events go with their message's week; the 40-day-old message's stay
    expect(await h.db.event.count({ where: { messageId: old } })).toBe(0);
    expect(await h.db.event.count({ where: { messageId: oldDone } })).toBeGreaterThan(0);
    expect(await partitionOf('webhook_deliveries', pending.id)).toBe('webhook_deliveries_p_default');
    expect(await partitionOf('webhook_deliveries', done.id)).toBeNull();
    // the message rows stay, always
    expect(await h.db.message.count({ where: { id: { in: [old, oldDone, oldWaiting, young] } } })).toBe(4);

    // once the waiting message is final, its content goes from the default partition, row by row
    expect((await retention()).partitionsDropped).toEqual([]);
    expect(await h.db.messageContent.count({ where: { id: oldWaiting } })).toBe(1);
    await h.db.recipient.updateMany({ where: { messageId: oldWaiting }, data: { status: 'delivered', finalAt: new Date() } });
    expect((await retention()).rawPurged).toBe(1);
    expect(await h.db.messageContent.count({ where: { id: oldWaiting } })).toBe(0);
    // a scheduled message's content stays until it is sent
    expect(await h.db.messageContent.count({ where: { id: oldScheduled } })).toBe(1);
  });
});
