import { domainToASCII } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { startDnsServer, type TestDnsServer } from '@herald/test/support/dns-server.ts';
import { createDomain, publish, recordOf, uniqueDomain, verifyDomain, type DomainView, type ErrorBody } from './domain-test-support.ts';

interface Refusal {
  error: { code: string; message: string; details: { field: string; message: string }[] };
}

describe('which From domains may send (POST /v1/messages)', () => {
  let dns: TestDnsServer;
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  /** Domains of `project` added and verified through the API. */
  let strict: DomainView;
  let open: DomainView;

  beforeAll(async () => {
    dns = await startDnsServer();
    api = await buildTestApi({ HERALD_DNS_SERVERS: dns.address });
    project = await seedProject(api.db, 'dom-send');
    other = await seedProject(api.db, 'dom-send-other');
    strict = await verified(uniqueDomain('example'));
    open = await verified(uniqueDomain('open'), { allow_subdomains: true });
  });
  afterAll(async () => {
    await api?.close();
    await dns?.close();
  });

  async function verified(name: string, extra: Record<string, unknown> = {}): Promise<DomainView> {
    const added = await createDomain(api, project.auth, { name, ...extra });
    publish(dns, recordOf(added, 'dkim'));
    const view = await verifyDomain(api, project.auth, added.id);
    expect(view.status).toBe('verified');
    return view;
  }

  const send = (from: string, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: { from, to: 'ann@one.example', subject: 'hi', text: 'hello' } });

  /** Sends from `from` and expects 403 domain_not_verified naming `from`, with nothing stored or queued; answers the reason. */
  async function refused(from: string): Promise<string> {
    const before = await countProjectRows(api.db, project.id);
    const jobs = api.jobs.length;
    const response = await send(from);
    expect(response.statusCode).toBe(403);
    const { error } = response.json<Refusal>();
    expect(error.code).toBe('domain_not_verified');
    expect(error.details).toHaveLength(1);
    expect(error.details[0]?.field).toBe('from');
    expect(error.message).toContain(error.details[0]?.message ?? '');
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
    expect(api.jobs.length).toBe(jobs);
    return error.details[0]?.message ?? '';
  }

  /** Sends from `from`, expects 202, and answers the stored message. */
  async function accepted(from: string) {
    const response = await send(from);
    expect(response.statusCode, response.body).toBe(202);
    return api.db.message.findUniqueOrThrow({ where: { id: response.json<{ id: string }>().id } });
  }

  it('sends from a verified domain, however the address is cased, tying the message to the domain', async () => {
    const message = await accepted(`News <News@${strict.name.toUpperCase()}>`);
    expect(message).toMatchObject({ domainId: strict.id, fromEmail: `News@${strict.name}` });
  });

  it('refuses a pending (unverified) domain of the project, saying it is not verified', async () => {
    const pending = await createDomain(api, project.auth, { name: uniqueDomain('pending') });
    const reason = await refused(`news@${pending.name}`);
    expect(reason).toContain('not verified');
    expect(reason).toContain(pending.name);
  });

  it('stops sending from a domain once its DKIM record disappears and verify fails it', async () => {
    const domain = await verified(uniqueDomain('vanishing'));
    expect((await accepted(`news@${domain.name}`)).domainId).toBe(domain.id);
    dns.remove(recordOf(domain, 'dkim').host);
    expect((await verifyDomain(api, project.auth, domain.id)).status).toBe('failed');
    expect(await refused(`news@${domain.name}`)).toContain('not verified');
  });

  it("refuses another project's verified domain as not a domain of this project", async () => {
    const reason = await refused(`news@${other.domain}`);
    expect(reason).toBe(`${other.domain} is not a sending domain of this project`);
    // while the other project itself may send from it
    expect((await send(`news@${other.domain}`, other.auth)).statusCode).toBe(202);
  });

  it('refuses a domain no project has', async () => {
    expect(await refused(`news@${uniqueDomain('nobody')}`)).toContain('not a sending domain of this project');
  });

  const lookalikes: [string, (name: string) => string][] = [
    ['a Cyrillic е', (name) => name.replace('e', '\u0435')],
    ['a Cyrillic а', (name) => name.replace('a', '\u0430')],
    ['a Greek ε and a Cyrillic х and р', (name) => name.replace('e', '\u03b5').replace('x', '\u0445').replace('p', '\u0440')],
  ];
  for (const [what, disguise] of lookalikes) {
    it(`refuses an IDN look-alike with ${what} of a verified domain, naming it as a look-alike`, async () => {
      const unicode = disguise(strict.name);
      expect(unicode.startsWith('example-')).toBe(false);
      const punycode = domainToASCII(unicode);
      expect(punycode).toMatch(/^xn--/);
      expect(punycode).not.toBe(strict.name);
      const reason = await refused(`news@${unicode}`);
      expect(reason).toContain('look-alike');
      expect(reason).toContain(strict.name);
      expect(reason).toContain(punycode);
      // the same in punycode
      expect(await refused(`news@${punycode}`)).toContain('look-alike');
    });
  }

  it('refuses a subdomain of a verified domain that does not allow subdomains, saying so', async () => {
    const reason = await refused(`news@news.${strict.name}`);
    expect(reason).toContain('subdomain');
    expect(reason).toContain('does not allow subdomains');
  });

  it('sends from subdomains of a verified domain that allows them, tying the message to the parent domain', async () => {
    expect((await accepted(`news@news.${open.name}`)).domainId).toBe(open.id);
    expect((await accepted(`alerts@eu.mail.${open.name}`)).domainId).toBe(open.id);
  });

  it('refuses subdomains of a domain that allows them while it is not verified', async () => {
    const pending = await createDomain(api, project.auth, { name: uniqueDomain('pending-open'), allow_subdomains: true });
    expect(pending.allow_subdomains).toBe(true);
    expect(await refused(`news@news.${pending.name}`)).toContain(`would send as ${pending.name}, which is not verified yet`);
  });

  it('refuses a whole batch naming the message whose From may not send, storing none of it', async () => {
    const before = await countProjectRows(api.db, project.id);
    const message = (from: string) => ({ from, to: 'ann@one.example', subject: 'hi', text: 'hello' });
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: project.auth,
      payload: { messages: [message(`news@${strict.name}`), message(`news@news.${strict.name}`), message(`news@news.${open.name}`)] },
    });
    expect(response.statusCode).toBe(403);
    const { error } = response.json<ErrorBody>();
    expect(error).toMatchObject({ code: 'domain_not_verified', details: [{ field: 'messages.1.from' }] });
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });
});
