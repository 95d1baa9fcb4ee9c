import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject } from '@herald/test/support/api-app.ts';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { type Db } from '../db/client.ts';
import { createDb } from '../db/orm.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import { dkimHost } from './domain-records.ts';
import { dkimRecordValue } from '../crypto/dkim-key.ts';
import { refreshDomain, type DomainSettings } from './refresh-domain.ts';
import { settingsFor, uncachedResolver } from './verify-domain-test-support.ts';

/**
 * The return-path host becomes the envelope sender's domain only while it leads to the bounce host:
 * refreshDomain stores it on the domain (the worker reads it), and takes it away again when the DNS
 * says otherwise, but not on a lookup that failed.
 */
describe('refreshDomain and the return-path host', () => {
  let db: Db;
  let dns: TestDnsServer;
  let resolver: DnsResolver;

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL);
    dns = await startDnsServer();
    resolver = uncachedResolver(dns);
  });
  afterAll(async () => {
    await dns?.close();
    await db?.$disconnect();
  });

  /** A seeded domain with its DKIM records published, and settings with a bounce host of their own. */
  async function domainWithDkim(): Promise<{ id: string; name: string; settings: DomainSettings }> {
    const project = await seedProject(db, 'rp-refresh');
    const domain = await db.domain.findFirstOrThrow({ where: { projectId: project.id }, include: { dkimKeys: true } });
    for (const key of domain.dkimKeys) dns.set(dkimHost(key.selector, domain.name), [{ type: 'TXT', value: dkimRecordValue(key) }]);
    const { sendingIps, bounceHost, returnPathSubdomain } = settingsFor(dns);
    const settings: DomainSettings = { sendingIps: [...sendingIps], bounceHost, returnPathSubdomain, rotationGraceMs: 60_000 };
    return { id: domain.id, name: domain.name, settings };
  }
  const storedHost = async (id: string) => (await db.domain.findUniqueOrThrow({ where: { id } })).returnPathHost;

  it('stores the return-path host once its CNAME leads to the bounce host, and removes it when the CNAME goes elsewhere', async () => {
    const domain = await domainWithDkim();
    await refreshDomain(db, resolver, domain.id, domain.settings);
    expect(await storedHost(domain.id)).toBeNull();

    dns.set(`bounces.${domain.name}`, [{ type: 'CNAME', target: domain.settings.bounceHost as string }]);
    const verified = await refreshDomain(db, resolver, domain.id, domain.settings);
    expect(verified.check.checks.find((c) => c.kind === 'return_path')).toMatchObject({ ok: true });
    expect(await storedHost(domain.id)).toBe(`bounces.${domain.name}`);

    // a lookup that fails says nothing: the host stays
    dns.failWith(`bounces.${domain.name}`, 'servfail');
    await refreshDomain(db, resolver, domain.id, domain.settings);
    expect(await storedHost(domain.id)).toBe(`bounces.${domain.name}`);
    dns.failWith(`bounces.${domain.name}`, null);

    dns.set(`bounces.${domain.name}`, [{ type: 'A', address: '192.0.2.99' }]);
    await refreshDomain(db, resolver, domain.id, domain.settings);
    expect(await storedHost(domain.id)).toBeNull();
  });

  it('stores none without a bounce host (the domain itself is the return path)', async () => {
    const domain = await domainWithDkim();
    dns.set(`bounces.${domain.name}`, [{ type: 'CNAME', target: domain.settings.bounceHost as string }]);
    await refreshDomain(db, resolver, domain.id, { ...domain.settings, bounceHost: undefined });
    expect(await storedHost(domain.id)).toBeNull();
  });
});
