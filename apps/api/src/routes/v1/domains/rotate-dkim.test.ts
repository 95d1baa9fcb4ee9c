import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import {
  createDomain,
  domainClient,
  keyOf,
  publish,
  recordOf,
  recordsOf,
  uniqueDomain,
  verifyDomain,
  type DomainView,
  type ErrorBody,
  type KeyView,
} from './domain-test-support.ts';

const GRACE_MS = 2 * 24 * 60 * 60 * 1000;

describe('POST /v1/domains/{id}/dkim/rotate', () => {
  let dns: TestDnsServer;
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    dns = await startDnsServer();
    api = await buildTestApi({ HERALD_DNS_SERVERS: dns.address, HERALD_DKIM_ROTATION_GRACE: '2d' });
    project = await seedProject(api.db, 'dom-rotate');
  });
  afterAll(async () => {
    await api?.close();
    await dns?.close();
  });

  const domains = () => domainClient(api, project.auth);
  const verify = (id: string) => verifyDomain(api, project.auth, id);
  async function rotate(id: string): Promise<DomainView> {
    const response = await domains().rotate(id);
    expect(response.statusCode).toBe(200);
    return response.json<DomainView>();
  }

  /** A domain (with the given options) whose DKIM records are published and verified. */
  async function verifiedDomain(label: string, extra: Record<string, unknown> = {}): Promise<DomainView> {
    const added = await createDomain(api, project.auth, { name: uniqueDomain(label), ...extra });
    for (const record of recordsOf(added, 'dkim')) publish(dns, record);
    const view = await verify(added.id);
    expect(view.status).toBe('verified');
    return view;
  }

  describe('a rotation from start to end', () => {
    let domain: DomainView;
    let oldKey: KeyView;
    let newKey: KeyView;

    beforeAll(async () => {
      domain = await verifiedDomain('story');
      oldKey = domain.dkim_keys[0] as KeyView;
    });

    it('adds a pending key under a new selector, with its DKIM record to publish, and the old key keeps signing', async () => {
      const view = await rotate(domain.id);

      expect(view.dkim_keys).toHaveLength(2);
      expect(keyOf(view, oldKey.selector)).toEqual(oldKey);
      newKey = view.dkim_keys.find((k) => k.selector !== oldKey.selector) as KeyView;
      expect(newKey).toMatchObject({ algorithm: 'rsa_sha256', status: 'pending', activated_at: null, retires_at: null });
      expect(newKey.selector).toMatch(/^herald-\d{8}-[0-9a-f]{4}$/);

      const records = recordsOf(view, 'dkim');
      expect(records.map((r) => r.host)).toEqual([`${oldKey.selector}._domainkey.${domain.name}`, `${newKey.selector}._domainkey.${domain.name}`]);
      const fresh = recordOf(view, 'dkim', newKey.selector);
      expect(fresh.value).toMatch(/^v=DKIM1; k=rsa; p=/);
      expect(fresh.value).not.toBe(recordOf(view, 'dkim', oldKey.selector).value);
      expect(fresh).toMatchObject({ required: true });
      expect(fresh.purpose).toMatch(/rotation/);
      expect(view).toMatchObject({ status: 'verified', verified_at: domain.verified_at });

      const rows = await api.db.dkimKey.findMany({ where: { domainId: domain.id }, orderBy: { createdAt: 'asc' } });
      expect(rows.map((k) => [k.selector, k.status])).toEqual([
        [oldKey.selector, 'active'],
        [newKey.selector, 'pending'],
      ]);
    });

    it('refuses a second rotation with 409 while the first waits for its record', async () => {
      const response = await domains().rotate(domain.id);
      expect(response.statusCode).toBe(409);
      expect(response.json<ErrorBody>().error).toMatchObject({ code: 'conflict', details: { pending: [newKey.selector] } });
      expect(await api.db.dkimKey.count({ where: { domainId: domain.id } })).toBe(2);
    });

    it('leaves the old key active and the new one pending when verify does not find the new record yet', async () => {
      const view = await verify(domain.id);

      expect(view.status).toBe('verified');
      expect(keyOf(view, oldKey.selector).status).toBe('active');
      expect(keyOf(view, newKey.selector).status).toBe('pending');
      expect(recordOf(view, 'dkim', oldKey.selector).check?.ok).toBe(true);
      expect(recordOf(view, 'dkim', newKey.selector).check).toMatchObject({ ok: false, found: [] });
      expect(recordOf(view, 'dkim', newKey.selector).check?.problem).toContain('missing');
    });

    it('does not promote the new key while its host publishes another key', async () => {
      dns.set(`${newKey.selector}._domainkey.${domain.name}`, [{ type: 'TXT', value: recordOf(domain, 'dkim', oldKey.selector).value }]);
      const view = await verify(domain.id);
      expect(keyOf(view, newKey.selector).status).toBe('pending');
      expect(recordOf(view, 'dkim', newKey.selector).check?.problem).toMatch(/^DKIM key mismatch/);
      expect(view.status).toBe('verified');
    });

    it('once the new record is published, makes the new key active and the old one retiring for the grace period', async () => {
      const current = (await domains().get(domain.id)).json<DomainView>();
      publish(dns, recordOf(current, 'dkim', newKey.selector));

      const view = await verify(domain.id);

      expect(view).toMatchObject({ status: 'verified', verified_at: domain.verified_at });
      const checkedAt = Date.parse(view.last_checked_at ?? '');
      expect(keyOf(view, newKey.selector)).toMatchObject({ status: 'active', activated_at: view.last_checked_at, retires_at: null });
      expect(keyOf(view, oldKey.selector)).toMatchObject({ status: 'retiring', retires_at: new Date(checkedAt + GRACE_MS).toISOString() });
      expect(Math.abs(Date.parse(keyOf(view, oldKey.selector).retires_at ?? '') - (Date.now() + GRACE_MS))).toBeLessThan(60_000);
      // the retiring key's record must stay published: it is still listed, and says so
      expect(recordOf(view, 'dkim', oldKey.selector).purpose).toMatch(/retired/);
      expect(recordsOf(view, 'dkim').map((r) => r.check?.ok)).toEqual([true, true]);
      // the status did not change, so no event
      expect((await api.db.event.findMany({ where: { domainId: domain.id } })).map((e) => e.type)).toEqual(['domain_verified']);
    });

    it('allows the next rotation once nothing is pending', async () => {
      const response = await domains().rotate(domain.id);
      expect(response.statusCode).toBe(200);
      const statuses = response.json<DomainView>().dkim_keys.map((k) => k.status);
      expect(statuses).toEqual(['retiring', 'active', 'pending']);
    });
  });

  it('retires the old key after the grace period: no longer listed, nor its record, and the domain stays verified', async () => {
    const domain = await verifiedDomain('retire');
    const oldKey = domain.dkim_keys[0] as KeyView;
    const rotated = await rotate(domain.id);
    const newKey = rotated.dkim_keys.find((k) => k.selector !== oldKey.selector) as KeyView;
    publish(dns, recordOf(rotated, 'dkim', newKey.selector));
    expect(keyOf(await verify(domain.id), oldKey.selector).status).toBe('retiring');

    // the grace period is over, and the old record is gone from the DNS
    await api.db.dkimKey.updateMany({ where: { domainId: domain.id, selector: oldKey.selector }, data: { retiresAt: new Date(Date.now() - 1000) } });
    dns.remove(`${oldKey.selector}._domainkey.${domain.name}`);
    const view = await verify(domain.id);

    expect(view.status).toBe('verified');
    expect(view.dkim_keys.map((k) => [k.selector, k.status])).toEqual([[newKey.selector, 'active']]);
    expect(recordsOf(view, 'dkim').map((r) => r.host)).toEqual([`${newKey.selector}._domainkey.${domain.name}`]);
    const row = await api.db.dkimKey.findFirstOrThrow({ where: { domainId: domain.id, selector: oldKey.selector } });
    expect(row.status).toBe('retired');
    expect(row.retiredAt?.toISOString()).toBe(view.last_checked_at);
  });

  it('rotates every algorithm the domain signs with, and promotes each new key when its own record appears', async () => {
    const domain = await verifiedDomain('both', { ed25519: true });
    const [oldRsa, oldEd] = domain.dkim_keys as [KeyView, KeyView];
    const rotated = await rotate(domain.id);
    const pending = rotated.dkim_keys.filter((k) => k.status === 'pending');
    expect(pending.map((k) => k.algorithm)).toEqual(['rsa_sha256', 'ed25519_sha256']);
    const [newRsa, newEd] = pending as [KeyView, KeyView];
    expect(recordOf(rotated, 'dkim', newEd.selector).value).toMatch(/^v=DKIM1; k=ed25519; p=/);

    publish(dns, recordOf(rotated, 'dkim', newRsa.selector));
    const half = await verify(domain.id);
    expect(half.status).toBe('verified');
    expect(half.dkim_keys.map((k) => [k.selector, k.status])).toEqual([
      [oldRsa.selector, 'retiring'],
      [oldEd.selector, 'active'],
      [newRsa.selector, 'active'],
      [newEd.selector, 'pending'],
    ]);

    publish(dns, recordOf(rotated, 'dkim', newEd.selector));
    const done = await verify(domain.id);
    expect(done.dkim_keys.map((k) => k.status)).toEqual(['retiring', 'retiring', 'active', 'active']);
    expect(done.status).toBe('verified');
  });

  it('fails the domain when the old record disappears before the new one is published', async () => {
    const domain = await verifiedDomain('gap');
    const oldKey = domain.dkim_keys[0] as KeyView;
    await rotate(domain.id);
    dns.remove(`${oldKey.selector}._domainkey.${domain.name}`);
    const view = await verify(domain.id);
    expect(view.status).toBe('failed');
    expect(view.dkim_keys.map((k) => k.status)).toEqual(['active', 'pending']);
  });
});
