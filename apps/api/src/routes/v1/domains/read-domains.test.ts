import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { createDomain, domainClient, publish, recordOf, uniqueDomain, type DomainView, type ErrorBody } from './domain-test-support.ts';

describe('GET /v1/domains and GET /v1/domains/{id}', () => {
  let dns: TestDnsServer;
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  /** Two domains of `project` added through the API, and one of `other`. */
  let mine: DomainView[];
  let theirs: DomainView;

  beforeAll(async () => {
    dns = await startDnsServer();
    api = await buildTestApi({ HERALD_DNS_SERVERS: dns.address, HERALD_SPF_INCLUDE: '_spf.herald-test.example' });
    project = await seedProject(api.db, 'dom-read');
    other = await seedProject(api.db, 'dom-read-other');
    mine = [
      await createDomain(api, project.auth, { name: uniqueDomain('zulu') }),
      await createDomain(api, project.auth, { name: uniqueDomain('alpha'), ed25519: true, allow_subdomains: true }),
    ];
    theirs = await createDomain(api, other.auth, { name: uniqueDomain('theirs') });
  });
  afterAll(async () => {
    await api?.close();
    await dns?.close();
  });

  const domains = () => domainClient(api, project.auth);

  it("lists only the project's domains, by name, with their keys and records", async () => {
    const response = await domains().list();
    expect(response.statusCode).toBe(200);
    const { data } = response.json<{ data: DomainView[] }>();
    const names = data.map((d) => d.name);
    expect(names).toEqual([...mine.map((d) => d.name), project.domain].sort());
    expect(names).not.toContain(theirs.name);
    expect(names).not.toContain(other.domain);
    const alpha = data.find((d) => d.id === mine[1]?.id);
    expect(alpha).toEqual(mine[1]);
  });

  it('shows one domain exactly as it was answered when added, its records stable across reads', async () => {
    for (const domain of mine) {
      const response = await domains().get(domain.id);
      expect(response.statusCode).toBe(200);
      expect(response.json<DomainView>()).toEqual(domain);
    }
  });

  it('keeps keys created together in creation order after one of them changes (RSA first, then Ed25519)', async () => {
    const domain = mine[1] as DomainView;
    // a row update moves the row in Postgres: keys sharing created_at must not swap places
    const rsa = domain.dkim_keys[0]?.selector ?? '';
    await api.db.dkimKey.updateMany({ where: { domainId: domain.id, selector: rsa }, data: { status: 'active' } });
    for (const response of [await domains().get(domain.id), await domains().list()]) {
      const body = response.json<DomainView | { data: DomainView[] }>();
      const view = 'data' in body ? body.data.find((d) => d.id === domain.id) : body;
      expect(view?.dkim_keys.map((k) => k.algorithm)).toEqual(['rsa_sha256', 'ed25519_sha256']);
      expect(view).toEqual(domain);
    }
  });

  it("shows the seeded domain's state (verified, verified_at) and its active key", async () => {
    const row = await api.db.domain.findFirstOrThrow({ where: { projectId: project.id, name: project.domain } });
    const view = (await domains().get(row.id)).json<DomainView>();
    expect(view.status).toBe('verified');
    expect(view.verified_at).toBe(row.verifiedAt?.toISOString());
    expect(view.dkim_keys.map((k) => k.status)).toEqual(['active']);
    expect(recordOf(view, 'dkim').value).toMatch(/^v=DKIM1; k=rsa; p=/);
  });

  it('answers 404 for an id that does not exist', async () => {
    const response = await domains().get('dom_00000000000000000000000000');
    expect(response.statusCode).toBe(404);
    expect(response.json<ErrorBody>().error.code).toBe('not_found');
  });

  it("answers 404 for another project's domain on GET, verify, rotate and DELETE, and leaves it untouched", async () => {
    // its record is published, so a verify that reached it would verify it
    publish(dns, recordOf(theirs, 'dkim'));
    const client = domains();
    const responses = [
      await client.get(theirs.id),
      await client.verify(theirs.id),
      await client.rotate(theirs.id),
      await client.remove(theirs.id),
      await client.remove(theirs.id, '?force=true'),
    ];
    for (const response of responses) {
      expect(response.statusCode).toBe(404);
      expect(response.json<ErrorBody>().error.code).toBe('not_found');
      expect(response.body).not.toContain(theirs.name);
    }
    const row = await api.db.domain.findUniqueOrThrow({ where: { id: theirs.id }, include: { dkimKeys: true } });
    expect(row).toMatchObject({ projectId: other.id, status: 'pending', lastCheckedAt: null });
    expect(row.dkimKeys.map((k) => k.status)).toEqual(['active']);
    // and its own project still reads it
    expect((await domainClient(api, other.auth).get(theirs.id)).json<DomainView>()).toEqual(theirs);
  });
});
