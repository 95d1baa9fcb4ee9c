import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeliveryJob } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';
import { deliverBatch } from './deliver-batch.ts';
import { DeliverySlots } from './delivery-slots.ts';

describe('a batch of deliveries against a real DNS server, Postgres and SMTP sink', () => {
  let h: DeliveryHarness;
  let sink: MxSink;
  let inTransaction = 0;
  let mostAtOnce = 0;

  beforeAll(async () => {
    h = await startDeliveryHarness('batch');
    sink = await startMxSink({
      behaviour: {
        rcpt: (address) => (address.startsWith('busy') ? { code: 451, message: '4.2.1 Mailbox busy, try later' } : address.startsWith('nobody') ? { code: 550, message: '5.1.1 User unknown' } : undefined),
        onDataStart: () => {
          inTransaction++;
          mostAtOnce = Math.max(mostAtOnce, inTransaction);
        },
        data: async () => {
          await new Promise((resolve) => setTimeout(resolve, 30));
          inTransaction--;
          return undefined;
        },
      },
    });
    h.routeDomain('batch-one.test', sink.host);
    h.routeDomain('batch-two.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('sends every delivery of the batch, records each outcome, and hands back only the deferred one, at its retry time', async () => {
    const accepted = await Promise.all(
      ['ok1@batch-one.test', 'ok2@batch-two.test', 'busy@batch-one.test', 'nobody@batch-two.test', 'ok3@batch-one.test'].map((email) => h.accept({ to: [{ email }] })),
    );
    const jobs = accepted.flatMap((a) => a.jobs);
    const before = sink.received.length;

    const later = await deliverBatch(h.deps, new DeliverySlots(10), jobs);

    expect(sink.received.slice(before).flatMap((m) => m.rcptTo).sort()).toEqual(['ok1@batch-one.test', 'ok2@batch-two.test', 'ok3@batch-one.test']);
    const statuses = await h.db.recipient.findMany({ where: { messageId: { in: accepted.map((a) => a.id) } }, select: { email: true, status: true } });
    expect(Object.fromEntries(statuses.map((r) => [r.email, r.status]))).toEqual({
      'ok1@batch-one.test': 'delivered',
      'ok2@batch-two.test': 'delivered',
      'ok3@batch-one.test': 'delivered',
      'busy@batch-one.test': 'deferred',
      'nobody@batch-two.test': 'bounced',
    });
    expect(later.map((l) => l.data)).toEqual([accepted[2]?.jobs[0]]);
    expect(later[0]?.batch).toBeUndefined();
    expect(later[0]?.delayMs).toBeGreaterThan(50_000);
    expect(await h.db.event.count({ where: { messageId: { in: accepted.map((a) => a.id) }, type: 'delivered' } })).toBe(3);
  });

  it('runs no more deliveries at once than the process has slots', async () => {
    const accepted = await Promise.all(Array.from({ length: 8 }, (_, i) => h.accept({ to: [{ email: `slot${i}@batch-one.test` }] })));
    mostAtOnce = 0;
    await deliverBatch(h.deps, new DeliverySlots(3), accepted.flatMap((a) => a.jobs));
    expect(sink.received.filter((m) => m.rcptTo[0]?.startsWith('slot'))).toHaveLength(8);
    expect(mostAtOnce).toBeGreaterThan(1);
    expect(mostAtOnce).toBeLessThanOrEqual(3);
  });

  it('skips a delivery whose message no longer exists, and still sends the others', async () => {
    const accepted = await h.accept({ to: [{ email: 'ok4@batch-one.test' }] });
    const gone: DeliveryJob = { messageId: 'msg_01JZZZZZZZZZZZZZZZZZZZZZZZ', domain: 'batch-one.test' };
    const later = await deliverBatch(h.deps, new DeliverySlots(4), [gone, ...accepted.jobs]);
    expect(later).toEqual([]);
    expect((await h.db.recipient.findFirstOrThrow({ where: { messageId: accepted.id } })).status).toBe('delivered');
  });

  it('sends once when two jobs carry the same delivery at once (an enqueue replayed beside the sweeper job): the second finds its recipients claimed', async () => {
    const accepted = await Promise.all(Array.from({ length: 6 }, (_, i) => h.accept({ to: [{ email: `claim${i}@batch-one.test` }, { email: `claim${i}b@batch-one.test` }] })));
    const jobs = accepted.flatMap((a) => a.jobs);
    // in one process (one claim statement for both) and as two batches in flight together
    const [first, second] = await Promise.all([deliverBatch(h.deps, new DeliverySlots(10), jobs), deliverBatch(h.deps, new DeliverySlots(10), jobs)]);
    expect([...(first ?? []), ...(second ?? [])]).toEqual([]);
    const sent = sink.received.flatMap((m) => m.rcptTo).filter((r) => r.startsWith('claim'));
    expect(sent).toHaveLength(12);
    expect(new Set(sent).size).toBe(12);
    const ids = accepted.map((a) => a.id);
    expect(await h.db.event.count({ where: { messageId: { in: ids }, type: 'delivered' } })).toBe(12);
    expect(await h.db.recipient.count({ where: { messageId: { in: ids }, status: 'delivered', sendingUntil: null } })).toBe(12);
  });
});
