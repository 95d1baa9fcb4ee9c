import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, domainSettings, expectedRecords, parseSettings, refreshDomain, rotateDkim, UNCACHED, workerSettings } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';

/**
 * A rotation never produces a message signed with an unpublished key, nor one signed with a key it
 * deactivated, and every message verifies. The worker's key store is the one production uses: it
 * keeps parsed keys for as long as the worker runs.
 */
describe('sending during a DKIM rotation', () => {
  let h: DeliveryHarness;
  let sink: MxSink;
  let domainId: string;
  const settings = domainSettings(parseSettings(workerSettings, { HERALD_MASTER_KEY: TEST_MASTER_KEY }));

  beforeAll(async () => {
    h = await startDeliveryHarness('rotation');
    sink = await startMxSink();
    h.routeDomain('rotation.test', sink.host);
    domainId = (await h.db.domain.findFirstOrThrow({ where: { projectId: h.projectId } })).id;
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  async function sendAndVerify(): Promise<{ selector: string; result: string }[]> {
    const { jobs } = await h.accept({ to: [{ email: 'ann@rotation.test' }] });
    await h.deliver(jobs[0] as never);
    const signatures = await verifyDkim(sink.received.at(-1)?.raw as Buffer, h.dns);
    return signatures.map((s) => ({ selector: s.selector, result: s.result }));
  }

  it('keeps signing with the old key until the new record is published and verified; the very next delivery signs with the new key only', async () => {
    const [oldKey] = await h.db.dkimKey.findMany({ where: { domainId } });
    // the worker has signed with the old key, so its store holds it
    expect(await sendAndVerify()).toEqual([{ selector: oldKey?.selector, result: 'pass' }]);
    const { selectors } = await rotateDkim(h.db, h.deps.masterKey, domainId);
    const newSelector = selectors[0] as string;

    // the new key is not published yet: messages are signed with the old one, and verify
    expect(await sendAndVerify()).toEqual([{ selector: oldKey?.selector, result: 'pass' }]);

    const resolver = createResolver({ servers: [h.dns.address], timeoutMs: 500, tries: 1, cache: UNCACHED });
    expect((await refreshDomain(h.deps.db, resolver, domainId, settings)).promoted).toEqual([]);
    expect(await sendAndVerify()).toEqual([{ selector: oldKey?.selector, result: 'pass' }]);

    // the new record is published and verified: from the next delivery on, the new key signs, alone
    // (though the worker still holds the old one); the old record stays published
    const domain = await h.db.domain.findUniqueOrThrow({ where: { id: domainId }, include: { dkimKeys: true } });
    const record = expectedRecords(domain, domain.dkimKeys, settings).find((r) => r.selector === newSelector);
    h.dns.set(record?.host as string, [{ type: 'TXT', value: record?.value as string }]);
    expect((await refreshDomain(h.deps.db, resolver, domainId, settings)).promoted).toEqual([newSelector]);
    expect(await sendAndVerify()).toEqual([{ selector: newSelector, result: 'pass' }]);

    const keys = await h.db.dkimKey.findMany({ where: { domainId }, orderBy: { createdAt: 'asc' } });
    expect(keys.map((k) => [k.selector, k.status])).toEqual([
      [oldKey?.selector, 'retiring'],
      [newSelector, 'active'],
    ]);
  });
});
