import { createPrivateKey, createPublicKey } from 'node:crypto';
import { domainToASCII } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { open } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';
import { createDomain, domainClient, recordOf, recordsOf, uniqueDomain, type DomainView, type ErrorBody } from './domain-test-support.ts';

const SPF_INCLUDE = '_spf.herald-test.example';
const masterKey = Buffer.from(TEST_MASTER_KEY, 'base64');

/** The p= of a DKIM record value. */
function publicKeyOf(value: string): Buffer {
  const p = /(?:^|;)\s*p=([A-Za-z0-9+/=]+)\s*$/.exec(value)?.[1];
  if (!p) throw new Error(`no p= in ${value}`);
  return Buffer.from(p, 'base64');
}

describe('POST /v1/domains', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_SPF_INCLUDE: SPF_INCLUDE });
    project = await seedProject(api.db, 'dom-create');
  });
  afterAll(() => api.close());

  const domains = () => domainClient(api, project.auth);
  const projectDomainCount = () => api.db.domain.count({ where: { projectId: project.id } });

  it('adds a pending domain with one active RSA-2048 DKIM key and answers 201 with the records to publish', async () => {
    const name = uniqueDomain('fresh');
    const response = await domains().create({ name });
    expect(response.statusCode).toBe(201);
    const view = response.json<DomainView>();

    expect(view).toMatchObject({ name, status: 'pending', allow_subdomains: false, verified_at: null, last_checked_at: null });
    expect(view.id).toMatch(/^dom_/);
    expect(view.dkim_keys).toHaveLength(1);
    const [key] = view.dkim_keys;
    expect(key).toMatchObject({ algorithm: 'rsa_sha256', status: 'active', retires_at: null });
    expect(key?.selector).toMatch(/^herald-\d{8}-[0-9a-f]{4}$/);

    // every record says what to publish, where, and why; none has been checked yet
    expect(view.records.map((r) => r.kind)).toEqual(['dkim', 'spf', 'dmarc', 'mta_sts', 'tls_rpt']);
    for (const record of view.records) {
      expect(record.type).toMatch(/^(TXT|CNAME)$/);
      expect(record.host.endsWith(name)).toBe(true);
      expect(record.value.length).toBeGreaterThan(0);
      expect(record.purpose.length).toBeGreaterThan(20);
      expect(record.check).toBeNull();
    }

    const dkim = recordOf(view, 'dkim');
    expect(dkim).toMatchObject({ type: 'TXT', host: `${key?.selector}._domainkey.${name}`, required: true });
    expect(dkim.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/]+=*$/);
    const publicKey = createPublicKey({ key: publicKeyOf(dkim.value), format: 'der', type: 'spki' });
    expect(publicKey.asymmetricKeyType).toBe('rsa');
    expect(publicKey.asymmetricKeyDetails?.modulusLength).toBe(2048);

    expect(recordOf(view, 'spf')).toMatchObject({ type: 'TXT', host: name, value: `v=spf1 include:${SPF_INCLUDE} ~all`, required: false });
    expect(recordOf(view, 'dmarc')).toMatchObject({ type: 'TXT', host: `_dmarc.${name}`, required: false });
    expect(recordOf(view, 'dmarc').value).toMatch(/^v=DMARC1; p=none; rua=mailto:/);
    // without HERALD_BOUNCE_HOST there is no return path to publish
    expect(recordsOf(view, 'return_path')).toEqual([]);
    expect(recordOf(view, 'mta_sts')).toMatchObject({ type: 'TXT', host: `_mta-sts.${name}`, required: false });
    expect(recordOf(view, 'mta_sts').value).toMatch(/^v=STSv1; id=\d{14}$/);
    expect(recordOf(view, 'tls_rpt')).toMatchObject({ type: 'TXT', host: `_smtp._tls.${name}`, required: false });
    expect(recordOf(view, 'tls_rpt').value).toMatch(/^v=TLSRPTv1; rua=mailto:/);

    const row = await api.db.domain.findUniqueOrThrow({ where: { id: view.id }, include: { dkimKeys: true } });
    expect(row).toMatchObject({ projectId: project.id, name, status: 'pending', allowSubdomains: false });
    expect(row.dkimKeys.map((k) => [k.selector, k.publicKey])).toEqual([[key?.selector, publicKeyOf(dkim.value).toString('base64')]]);
  });

  it('adds an Ed25519 key under a second selector when asked, with its own k=ed25519 record', async () => {
    const view = await createDomain(api, project.auth, { name: uniqueDomain('ed'), ed25519: true });

    expect(view.dkim_keys.map((k) => [k.algorithm, k.status])).toEqual([
      ['rsa_sha256', 'active'],
      ['ed25519_sha256', 'active'],
    ]);
    const [rsa, ed] = view.dkim_keys;
    expect(rsa?.selector).not.toBe(ed?.selector);
    const records = recordsOf(view, 'dkim');
    expect(records.map((r) => r.host)).toEqual([`${rsa?.selector}._domainkey.${view.name}`, `${ed?.selector}._domainkey.${view.name}`]);
    expect(records[1]?.value).toMatch(/^v=DKIM1; k=ed25519; p=/);
    expect(records[1]?.purpose).toContain('Ed25519');
    // RFC 8463: p= is the raw 32-byte key, which is a valid Ed25519 public key
    const raw = publicKeyOf(records[1]?.value ?? '');
    expect(raw).toHaveLength(32);
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), raw]);
    expect(createPublicKey({ key: spki, format: 'der', type: 'spki' }).asymmetricKeyType).toBe('ed25519');
  });

  it('seals the private keys under the master key: no PEM in the rows, and each opens to the published key', async () => {
    const view = await createDomain(api, project.auth, { name: uniqueDomain('sealed'), ed25519: true });
    const rows = await api.db.dkimKey.findMany({ where: { domainId: view.id } });
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      expect(row.privateKeyEncrypted).not.toContain('PRIVATE KEY');
      expect(row.privateKeyEncrypted).toMatch(/^v1\./);
      const pem = open(row.privateKeyEncrypted, masterKey);
      expect(pem).toContain('-----BEGIN PRIVATE KEY-----');
      const derived = createPublicKey(createPrivateKey(pem)).export({ type: 'spki', format: 'der' });
      const published = row.algorithm === 'ed25519_sha256' ? derived.subarray(-32) : derived;
      expect(published.toString('base64')).toBe(row.publicKey);
      // a wrong master key cannot open it
      expect(() => open(row.privateKeyEncrypted, Buffer.alloc(32, 0x24))).toThrow(/cannot be opened/);
    }
  });

  it('lets subdomains send when allow_subdomains is true', async () => {
    const view = await createDomain(api, project.auth, { name: uniqueDomain('subs'), allow_subdomains: true });
    expect(view.allow_subdomains).toBe(true);
    expect((await api.db.domain.findUniqueOrThrow({ where: { id: view.id } })).allowSubdomains).toBe(true);
  });

  it('stores an international name in punycode and builds the records on it', async () => {
    const unicode = `bücher-${uniqueDomain('idn')}`;
    const ascii = domainToASCII(unicode);
    expect(ascii).toMatch(/^xn--/);
    const view = await createDomain(api, project.auth, { name: unicode });
    expect(view.name).toBe(ascii);
    expect(recordOf(view, 'dkim').host).toBe(`${view.dkim_keys[0]?.selector}._domainkey.${ascii}`);
    expect((await api.db.domain.findUniqueOrThrow({ where: { id: view.id } })).name).toBe(ascii);
  });

  it('refuses the same name twice in a project with 409, however it is spelt, keeping one domain', async () => {
    const name = uniqueDomain('twice');
    expect((await domains().create({ name })).statusCode).toBe(201);
    const again = await domains().create({ name: `${name.toUpperCase()}.` });
    expect(again.statusCode).toBe(409);
    expect(again.json<ErrorBody>().error).toMatchObject({ code: 'conflict', details: [{ field: 'name' }] });
    expect(await api.db.domain.count({ where: { projectId: project.id, name } })).toBe(1);
  });

  it('lets another project add a name this project has', async () => {
    const name = uniqueDomain('shared');
    const other = await seedProject(api.db, 'dom-create-other');
    expect((await domains().create({ name })).statusCode).toBe(201);
    expect((await domainClient(api, other.auth).create({ name })).statusCode).toBe(201);
    expect(await api.db.domain.count({ where: { name } })).toBe(2);
  });

  const invalidNames: [string, string][] = [
    ['an empty name', ''],
    ['a single label', 'localhost'],
    ['a space', 'exa mple.test'],
    ['a label starting with a hyphen', '-bad.test'],
    ['an underscore', 'under_score.test'],
    ['an IPv4 address', '192.0.2.1'],
    ['an address literal', '[192.0.2.1]'],
    ['a numeric top-level label', 'example.123'],
    ['a label of 64 characters', `${'a'.repeat(64)}.test`],
    ['a name longer than 253 characters', `${'abcdefghi.'.repeat(26)}test`],
  ];
  for (const [what, name] of invalidNames) {
    it(`refuses ${what} with 400 naming name, storing nothing`, async () => {
      const before = await projectDomainCount();
      const response = await domains().create({ name });
      expect(response.statusCode).toBe(400);
      const { error } = response.json<ErrorBody>();
      expect(error.code).toBe('validation_failed');
      expect(error.details).toEqual([expect.objectContaining({ field: 'name' })]);
      expect(await projectDomainCount()).toBe(before);
    });
  }

  it('refuses a missing name and a wrong type with 400 naming the field', async () => {
    const missing = await domains().create({ ed25519: true });
    expect(missing.statusCode).toBe(400);
    expect(missing.json<ErrorBody>().error.details).toEqual([expect.objectContaining({ field: 'name' })]);
    const wrongType = await domains().create({ name: uniqueDomain('type'), ed25519: 'yes' });
    expect(wrongType.statusCode).toBe(400);
    expect(wrongType.json<ErrorBody>().error.details).toEqual([expect.objectContaining({ field: 'ed25519' })]);
  });

  it('refuses an unknown field with 400 naming it, storing nothing', async () => {
    const before = await projectDomainCount();
    const response = await domains().create({ name: uniqueDomain('extra'), dkim_bits: 1024 });
    expect(response.statusCode).toBe(400);
    const { error } = response.json<ErrorBody>();
    expect(error.code).toBe('validation_failed');
    expect(error.message).toContain('dkim_bits');
    expect(await projectDomainCount()).toBe(before);
  });

  it('refuses a key without domains:manage with 403 insufficient_scope on every domain route', async () => {
    const sendingOnly = await createScopedKey(api.db, project.id, ['messages:send']);
    const client = domainClient(api, sendingOnly);
    const existing = await api.db.domain.findFirstOrThrow({ where: { projectId: project.id } });
    const before = await projectDomainCount();
    const responses = await Promise.all([
      client.create({ name: uniqueDomain('noscope') }),
      client.list(),
      client.get(existing.id),
      client.verify(existing.id),
      client.rotate(existing.id),
      client.remove(existing.id),
    ]);
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      expect(response.json<ErrorBody>().error).toMatchObject({ code: 'insufficient_scope', details: [{ field: 'scope', message: 'missing domains:manage' }] });
    }
    expect(await projectDomainCount()).toBe(before);
    expect(await api.db.dkimKey.count({ where: { domainId: existing.id } })).toBe(1);
  });
});

describe('POST /v1/domains with sending IPs and a bounce host configured', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({
      HERALD_SENDING_IPS: '192.0.2.10,2001:db8::10',
      HERALD_BOUNCE_HOST: 'bounce.herald-test.example',
      HERALD_RETURN_PATH_SUBDOMAIN: 'rp',
    });
    project = await seedProject(api.db, 'dom-ips');
  });
  afterAll(() => api.close());

  it('suggests SPF with ip4/ip6 mechanisms and asks for a required return-path CNAME to the bounce host', async () => {
    const view = await createDomain(api, project.auth, { name: uniqueDomain('ips') });
    expect(view.records.map((r) => r.kind)).toEqual(['dkim', 'spf', 'dmarc', 'return_path', 'bounce_mx', 'mta_sts', 'tls_rpt']);
    expect(recordOf(view, 'spf')).toMatchObject({ type: 'TXT', host: view.name, value: 'v=spf1 ip4:192.0.2.10 ip6:2001:db8::10 ~all', required: false });
    expect(recordOf(view, 'return_path')).toMatchObject({
      type: 'CNAME',
      host: `rp.${view.name}`,
      value: 'bounce.herald-test.example',
      required: true,
    });
    expect(recordOf(view, 'return_path').purpose).toContain(`rp.${view.name}`);
    expect(recordOf(view, 'bounce_mx')).toMatchObject({ type: 'MX', host: 'bounce.herald-test.example', value: '10 bounce.herald-test.example', required: false, check: null });
  });
});

describe('POST /v1/domains with neither an SPF include nor sending IPs configured', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'dom-bare');
  });
  afterAll(() => api.close());

  it('suggests no SPF record (Herald cannot tell which hosts send) and no return path', async () => {
    const view = await createDomain(api, project.auth, { name: uniqueDomain('bare') });
    expect(view.records.map((r) => r.kind)).toEqual(['dkim', 'dmarc', 'mta_sts', 'tls_rpt']);
  });
});
