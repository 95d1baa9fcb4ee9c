import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';

/** Each attempt's event records the keys that signed the copy the server received (domain, selector, algorithm). */
describe('the DKIM keys an attempt signed with, on its event', () => {
  let h: DeliveryHarness;
  let sink: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('dkim-event', {}, { ed25519: true });
    sink = await startMxSink();
    h.routeDomain('selector-event.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const dataOf = async (messageId: string, type: 'delivered' | 'deferred') =>
    (await h.db.event.findFirstOrThrow({ where: { messageId, type }, select: { data: true } })).data as { dkim?: unknown } | null;

  it("records on the delivered event the selector of each active key of the domain, the same ones the MX's verifier saw", async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@selector-event.test' }] });
    await h.deliver(jobs[0] as never);

    const active = await h.db.dkimKey.findMany({ where: { domain: { projectId: h.projectId }, status: 'active' }, select: { selector: true, algorithm: true } });
    expect(active).toHaveLength(2);
    const recorded = (await dataOf(id, 'delivered'))?.dkim as { domain: string; selector: string; algorithm: string }[];
    const bySelector = (list: { selector: string }[]) => [...list].sort((a, b) => a.selector.localeCompare(b.selector));
    expect(bySelector(recorded)).toEqual(
      bySelector(active.map((k) => ({ domain: h.senderDomain, selector: k.selector, algorithm: k.algorithm === 'ed25519_sha256' ? 'ed25519-sha256' : 'rsa-sha256' }))),
    );

    const verified = await verifyDkim(sink.received.at(-1)?.raw as Buffer, h.dns);
    expect(bySelector(verified.map((s) => ({ domain: s.domain, selector: s.selector, algorithm: s.algorithm, result: s.result })))).toEqual(
      bySelector(recorded.map((r) => ({ ...r, result: 'pass' }))),
    );
  });

  it('records no keys on an attempt decided before signing (the domain no longer verified)', async () => {
    const domain = await h.db.domain.findFirstOrThrow({ where: { projectId: h.projectId } });
    const { id, jobs } = await h.accept({ to: [{ email: 'bob@selector-event.test' }] });
    await h.db.domain.update({ where: { id: domain.id }, data: { status: 'failed' } });
    try {
      await h.deliver(jobs[0] as never);
    } finally {
      await h.db.domain.update({ where: { id: domain.id }, data: { status: 'verified' } });
    }
    expect(await dataOf(id, 'deferred')).toBeNull();
  });
});
