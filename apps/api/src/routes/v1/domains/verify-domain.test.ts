import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { createDomain, publish, recordOf, recordsOf, uniqueDomain, verifyDomain, type DomainView } from './domain-test-support.ts';

const SPF_INCLUDE = '_spf.herald-test.example';

describe('POST /v1/domains/{id}/verify against a real DNS server', () => {
  let dns: TestDnsServer;
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    dns = await startDnsServer();
    api = await buildTestApi({ HERALD_DNS_SERVERS: dns.address, HERALD_SPF_INCLUDE: SPF_INCLUDE });
    project = await seedProject(api.db, 'dom-verify');
  });
  afterAll(async () => {
    await api?.close();
    await dns?.close();
  });

  const add = (label: string, extra: Record<string, unknown> = {}) => createDomain(api, project.auth, { name: uniqueDomain(label), ...extra });
  const verify = (id: string) => verifyDomain(api, project.auth, id);
  const events = (domainId: string) => api.db.event.findMany({ where: { domainId }, orderBy: { createdAt: 'asc' } });

  /** A domain whose DKIM record is published and that verify found. */
  async function verifiedDomain(label: string): Promise<DomainView> {
    const added = await add(label);
    publish(dns, recordOf(added, 'dkim'));
    const view = await verify(added.id);
    expect(view.status).toBe('verified');
    return view;
  }

  it('leaves a domain with nothing published pending, and reports on every record with its last check', async () => {
    const added = await add('nothing');
    const view = await verify(added.id);

    expect(view).toMatchObject({ status: 'pending', verified_at: null });
    expect(view.last_checked_at).not.toBeNull();
    const dkim = recordOf(view, 'dkim');
    expect(dkim.check).toMatchObject({ ok: false, found: [] });
    expect(dkim.check?.problem).toContain('missing');
    expect(dkim.check?.problem).toContain(dkim.host);
    for (const record of view.records) {
      expect(record.check).not.toBeNull();
      expect(record.check?.ok).toBe(false);
      expect(record.check?.checked_at).toBe(view.last_checked_at);
      expect(record.check?.problem).toEqual(expect.any(String));
    }
    expect(recordOf(view, 'dmarc').check?.problem).toMatch(/DMARC missing/);
    expect(recordOf(view, 'spf').check?.problem).toMatch(/no SPF record/);
    expect(await events(added.id)).toEqual([]);
    // GET shows the same last check
    expect((await api.app.inject({ method: 'GET', url: `/v1/domains/${added.id}`, headers: project.auth })).json<DomainView>()).toEqual(view);
  });

  it('reports a DKIM record carrying another key as "DKIM key mismatch" and leaves the domain pending', async () => {
    const added = await add('mismatch');
    const stranger = await add('stranger');
    const wrong = recordOf(stranger, 'dkim').value;
    dns.set(recordOf(added, 'dkim').host, [{ type: 'TXT', value: wrong }]);

    const view = await verify(added.id);

    expect(view.status).toBe('pending');
    expect(recordOf(view, 'dkim').check).toMatchObject({ ok: false, found: [wrong] });
    expect(recordOf(view, 'dkim').check?.problem).toMatch(/^DKIM key mismatch/);
    expect(await events(added.id)).toEqual([]);
  });

  it('verifies the domain once its DKIM record matches, sets verified_at and records one domain_verified event', async () => {
    const added = await add('right');
    const dkim = recordOf(added, 'dkim');
    publish(dns, dkim);

    const view = await verify(added.id);

    expect(view.status).toBe('verified');
    expect(view.verified_at).toBe(view.last_checked_at);
    expect(Date.now() - Date.parse(view.verified_at ?? '')).toBeLessThan(60_000);
    expect(recordOf(view, 'dkim').check).toMatchObject({ ok: true, found: [dkim.value], problem: null });
    const [event, ...more] = await events(added.id);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ type: 'domain_verified', domainId: added.id, projectId: project.id, messageId: null });
    expect(event?.data).toMatchObject({ domain: added.name, problems: [] });
    expect((await api.db.domain.findUniqueOrThrow({ where: { id: added.id } })).status).toBe('verified');

    // verifying again changes nothing but the check time, and records no second event
    const again = await verify(added.id);
    expect(again).toMatchObject({ status: 'verified', verified_at: view.verified_at });
    expect(await events(added.id)).toHaveLength(1);
  });

  it('reports two SPF records and a missing DMARC record, while DKIM alone verifies the domain', async () => {
    const added = await add('policies');
    publish(dns, recordOf(added, 'dkim'));
    dns.set(added.name, [
      { type: 'TXT', value: `v=spf1 include:${SPF_INCLUDE} ~all` },
      { type: 'TXT', value: 'v=spf1 include:_spf.elsewhere.example -all' },
      { type: 'TXT', value: 'site-verification=abc' },
    ]);

    const view = await verify(added.id);

    expect(view.status).toBe('verified');
    const spf = recordOf(view, 'spf').check;
    expect(spf?.ok).toBe(false);
    expect(spf?.found).toHaveLength(2);
    expect(spf?.problem).toMatch(/two SPF records/);
    expect(recordOf(view, 'dmarc').check).toMatchObject({ ok: false, found: [] });
    expect(recordOf(view, 'dmarc').check?.problem).toMatch(/DMARC missing/);
  });

  it('passes SPF and DMARC once they are published as suggested, and names a missing include', async () => {
    const added = await add('goodpolicy');
    publish(dns, recordOf(added, 'dkim'));
    dns.set(added.name, [{ type: 'TXT', value: 'v=spf1 include:_spf.elsewhere.example -all' }]);
    const withoutInclude = await verify(added.id);
    expect(recordOf(withoutInclude, 'spf').check?.problem).toContain(`does not include ${SPF_INCLUDE}`);

    for (const kind of ['spf', 'dmarc', 'mta_sts', 'tls_rpt'] as const) publish(dns, recordOf(added, kind));
    const view = await verify(added.id);

    expect(view.status).toBe('verified');
    for (const record of view.records) {
      expect(record.check, record.kind).toMatchObject({ ok: true, found: [record.value], problem: null });
    }
  });

  it('verifies a domain with an Ed25519 key only once both of its DKIM records are published', async () => {
    const added = await add('ed', { ed25519: true });
    const [rsa, ed] = recordsOf(added, 'dkim');
    publish(dns, rsa ?? recordOf(added, 'dkim'));

    const half = await verify(added.id);
    expect(half.status).toBe('pending');
    expect(recordsOf(half, 'dkim').map((r) => r.check?.ok)).toEqual([true, false]);
    expect(recordsOf(half, 'dkim')[1]?.check?.problem).toContain('missing');

    publish(dns, ed ?? recordOf(added, 'dkim'));
    expect((await verify(added.id)).status).toBe('verified');
  });

  it('fails a verified domain whose DKIM record disappears, with a domain_failed event, and verifies it again once it is back', async () => {
    const verified = await verifiedDomain('vanish');
    const dkim = recordOf(verified, 'dkim');
    dns.remove(dkim.host);

    const failed = await verify(verified.id);

    expect(failed.status).toBe('failed');
    expect(recordOf(failed, 'dkim').check).toMatchObject({ ok: false, found: [] });
    expect(recordOf(failed, 'dkim').check?.problem).toContain('missing');
    const afterFailure = await events(verified.id);
    expect(afterFailure.map((e) => e.type)).toEqual(['domain_verified', 'domain_failed']);
    expect(afterFailure[1]?.data).toMatchObject({ domain: verified.name, problems: [expect.stringContaining(dkim.host)] });

    publish(dns, dkim);
    const back = await verify(verified.id);
    expect(back.status).toBe('verified');
    expect((await events(verified.id)).map((e) => e.type)).toEqual(['domain_verified', 'domain_failed', 'domain_verified']);
  });

  it('fails a verified domain whose DKIM record is replaced by another key', async () => {
    const verified = await verifiedDomain('replaced');
    const stranger = await add('stranger2');
    dns.set(recordOf(verified, 'dkim').host, [{ type: 'TXT', value: recordOf(stranger, 'dkim').value }]);
    const view = await verify(verified.id);
    expect(view.status).toBe('failed');
    expect(recordOf(view, 'dkim').check?.problem).toMatch(/^DKIM key mismatch/);
  });

  for (const failure of ['servfail', 'timeout'] as const) {
    it(`keeps a verified domain verified when the DKIM lookup fails (${failure}): transient, try again`, async () => {
      const verified = await verifiedDomain(`flaky-${failure}`);
      const host = recordOf(verified, 'dkim').host;
      dns.failWith(host, failure);
      try {
        const view = await verify(verified.id);
        expect(view.status).toBe('verified');
        expect(view.verified_at).toBe(verified.verified_at);
        const check = recordOf(view, 'dkim').check;
        expect(check?.ok).toBe(false);
        expect(check?.problem).toMatch(failure === 'servfail' ? /SERVFAIL.*try again/ : /no answer in time.*try again/);
        expect((await events(verified.id)).map((e) => e.type)).toEqual(['domain_verified']);
      } finally {
        dns.failWith(host, null);
      }
      expect((await verify(verified.id)).status).toBe('verified');
    });
  }

  it('leaves a pending domain pending (not failed) when its DKIM lookup answers SERVFAIL', async () => {
    const added = await add('flaky-pending');
    const host = recordOf(added, 'dkim').host;
    dns.failWith(host, 'servfail');
    try {
      const view = await verify(added.id);
      expect(view.status).toBe('pending');
      expect(recordOf(view, 'dkim').check?.problem).toMatch(/SERVFAIL/);
    } finally {
      dns.failWith(host, null);
    }
    expect(await events(added.id)).toEqual([]);
  });
});
