import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createResolver, domainSettings, expectedRecords, parseSettings, rotateDkim, UNCACHED, workerSettings } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { recheckDomains, type RecheckDeps } from './recheck-domains.ts';

const HOUR = 3_600_000;

describe('background re-verification of sending domains', () => {
  let h: DeliveryHarness;
  let deps: RecheckDeps;
  let domainId: string;
  let dkimHost: string;
  let dkimValue: string;

  beforeAll(async () => {
    h = await startDeliveryHarness('recheck');
    const domain = await h.db.domain.findFirstOrThrow({ where: { projectId: h.projectId }, include: { dkimKeys: true } });
    domainId = domain.id;
    const config = parseSettings(workerSettings, { HERALD_MASTER_KEY: TEST_MASTER_KEY, HERALD_DKIM_ROTATION_GRACE: '2d' });
    const [record] = expectedRecords(domain, domain.dkimKeys, domainSettings(config));
    dkimHost = record?.host as string;
    dkimValue = record?.value as string;
    deps = {
      db: h.deps.db,
      resolver: createResolver({ servers: [h.dns.address], timeoutMs: 500, tries: 1, cache: UNCACHED }),
      settings: domainSettings(config),
      recheckMs: HOUR,
      clock: () => h.now,
      log: h.deps.log,
    };
  });
  afterAll(() => h.close());

  const domain = () => h.db.domain.findUniqueOrThrow({ where: { id: domainId }, include: { dkimKeys: { orderBy: { createdAt: 'asc' } } } });
  const domainEvents = () => h.db.event.findMany({ where: { domainId }, orderBy: { createdAt: 'asc' } });
  const later = (ms: number) => {
    h.now = new Date(h.now.getTime() + ms);
  };

  it('fails a verified domain whose DKIM record disappeared, and verifies it again when the record is back', async () => {
    await recheckDomains(deps, { projectId: h.projectId });
    const first = await domain();
    expect(first.status, JSON.stringify(first.lastCheck)).toBe('verified');

    h.dns.remove(dkimHost);
    later(HOUR + 1);
    await recheckDomains(deps, { projectId: h.projectId });
    expect((await domain()).status).toBe('failed');

    h.dns.set(dkimHost, [{ type: 'TXT', value: dkimValue }]);
    later(HOUR + 1);
    await recheckDomains(deps, { projectId: h.projectId });
    expect((await domain()).status).toBe('verified');
    expect((await domainEvents()).map((e) => e.type)).toEqual(['domain_failed', 'domain_verified']);
  });

  it('leaves a domain checked within the interval alone', async () => {
    later(60_000);
    const result = await recheckDomains(deps, { projectId: h.projectId });
    expect(result.checked).toBe(0);
  });

  it('checks a domain again on the run one interval after its last check, even when that run starts a little early, and not sooner', async () => {
    const short = { ...deps, recheckMs: 60_000 };
    later(HOUR + 1);
    expect((await recheckDomains(short, { projectId: h.projectId })).checked).toBe(1);
    // the previous run started late, this one on time: its clock is a few seconds short of the interval
    later(57_000);
    expect((await recheckDomains(short, { projectId: h.projectId })).checked).toBe(1);
    later(20_000);
    expect((await recheckDomains(short, { projectId: h.projectId })).checked).toBe(0);
  });

  it('completes a DKIM rotation once the new record is published, and retires the old key after the grace period', async () => {
    const { selectors } = await rotateDkim(h.db, h.deps.masterKey, domainId, h.now);
    const [selector] = selectors;
    const pending = (await domain()).dkimKeys.find((k) => k.selector === selector);
    expect(pending?.status).toBe('pending');

    later(60_000); // a rotation waiting for its record is checked on every run
    await recheckDomains(deps, { projectId: h.projectId });
    expect((await domain()).dkimKeys.map((k) => k.status)).toEqual(['active', 'pending']);

    const records = expectedRecords(await domain(), (await domain()).dkimKeys, deps.settings);
    const fresh = records.find((r) => r.selector === selector);
    h.dns.set(fresh?.host as string, [{ type: 'TXT', value: fresh?.value as string }]);
    later(60_000);
    await recheckDomains(deps, { projectId: h.projectId });
    const rotated = await domain();
    expect(rotated.dkimKeys.map((k) => k.status)).toEqual(['retiring', 'active']);
    expect(rotated.dkimKeys[0]?.retiresAt?.getTime()).toBe(h.now.getTime() + 2 * 24 * HOUR);
    expect(rotated.status).toBe('verified');

    later(2 * 24 * HOUR);
    await recheckDomains(deps, { projectId: h.projectId });
    expect((await domain()).dkimKeys.map((k) => k.status)).toEqual(['retired', 'active']);
  });
});
