import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { tamperedKey } from '@herald/test/support/scoped-key.ts';

describe('POST /v1/messages', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_MAX_RECIPIENTS: '3', HERALD_API_BODY_LIMIT_BYTES: '20000' });
    project = await seedProject(api.db, 'create');
    other = await seedProject(api.db, 'other');
  });
  afterAll(() => api.close());

  const send = (payload: unknown, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'POST', url: '/v1/messages', headers, payload: payload as object });

  const valid = () => ({
    from: `Ünïcode Sender <news@${project.domain}>`,
    to: ['alice@one.example'],
    cc: 'bob@two.example',
    bcc: [{ email: 'carol@one.example', name: 'Carol' }],
    subject: 'Grüße from Herald',
    text: 'plain\nbody',
    html: '<p>html</p>',
  });

  it('commits the message, one row per recipient and a queued event each before answering 202', async () => {
    const response = await send(valid());
    expect(response.statusCode).toBe(202);
    const body = response.json<{ id: string; status: string; recipients: { email: string; status: string }[] }>();
    expect(body.status).toBe('queued');
    expect(body.recipients.map((r) => r.email)).toEqual(['alice@one.example', 'bob@two.example', 'carol@one.example']);

    const message = await api.db.message.findUniqueOrThrow({ where: { id: body.id }, include: { recipients: true, events: true } });
    expect(message.projectId).toBe(project.id);
    expect(message.status).toBe('queued');
    expect(message.recipients.map((r) => [r.email, r.kind, r.status]).sort()).toEqual([
      ['alice@one.example', 'to', 'queued'],
      ['bob@two.example', 'cc', 'queued'],
      ['carol@one.example', 'bcc', 'queued'],
    ]);
    expect(message.events.map((e) => e.type)).toEqual(['queued', 'queued', 'queued']);
  });

  it('enqueues one delivery per recipient domain, in one batch job whose id the recipients carry', async () => {
    const before = api.jobs.length;
    const response = await send(valid());
    const { id } = response.json<{ id: string }>();
    const batch = api.jobs[before]?.batch;
    expect(batch).toMatch(/^batch_[0-9A-Z]{26}$/);
    expect(api.jobs.slice(before)).toEqual([
      { data: { messageId: id, domain: 'one.example' }, delayMs: 0, batch },
      { data: { messageId: id, domain: 'two.example' }, delayMs: 0, batch },
    ]);
    const recipients = await api.db.recipient.findMany({ where: { messageId: id }, select: { batchJobId: true } });
    expect(recipients.map((r) => r.batchJobId)).toEqual([batch, batch, batch]);
  });

  it('stores the raw message with CRLF line endings, a Message-ID on the sending domain, encoded UTF-8 headers and no Bcc header', async () => {
    const { id } = (await send(valid())).json<{ id: string }>();
    const message = await api.db.message.findUniqueOrThrow({ where: { id }, include: { content: true } });
    const raw = Buffer.from(message.content?.raw as Uint8Array).toString('latin1');
    expect(raw).toContain(`Message-ID: <${id}@${project.domain}>`);
    expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(raw).toMatch(/^Subject: =\?UTF-8\?/m);
    expect(raw).toMatch(/^From: =\?UTF-8\?.*<news@/m);
    expect(raw).not.toMatch(/^Bcc:/im);
    expect(raw).not.toContain('carol@one.example');
    expect(message.rawSize).toBe(Buffer.byteLength(raw, 'latin1'));
  });

  it('answers 202 even when the queue is unreachable, because the message is committed', async () => {
    api.failEnqueue.value = true;
    try {
      const response = await send(valid());
      expect(response.statusCode).toBe(202);
      const { id } = response.json<{ id: string }>();
      expect(await api.db.message.count({ where: { id } })).toBe(1);
    } finally {
      api.failEnqueue.value = false;
    }
  });

  describe('refuses bad input with 400 naming the field, storing nothing', () => {
    const cases: [string, (body: ReturnType<typeof valid>) => unknown, string][] = [
      ['neither text nor html', ({ text: _t, html: _h, ...rest }) => rest, 'text'],
      ['an unknown field', (b) => ({ ...b, attachmentz: [] }), 'body'],
      ['a line break in the subject', (b) => ({ ...b, subject: 'Hi\r\nBcc: victim@example.com' }), 'subject'],
      ['a line break in a display name', (b) => ({ ...b, from: { email: `news@${project.domain}`, name: 'A\nB' } }), 'from'],
      ['an invalid address in a list', (b) => ({ ...b, cc: ['ok@two.example', 'not-an-address'] }), 'cc.1'],
      ['an address literal domain', (b) => ({ ...b, to: 'root@[127.0.0.1]' }), 'to'],
      ['a missing recipient', ({ to: _to, ...rest }) => rest, 'to'],
      ['an empty recipient list', (b) => ({ ...b, to: [] }), 'to'],
      ['a subject of the wrong type', (b) => ({ ...b, subject: 42 }), 'subject'],
      ['more recipients than the limit', (b) => ({ ...b, to: ['a@x.example', 'b@x.example', 'c@x.example', 'd@x.example'] }), 'to'],
    ];
    for (const [what, mutate, field] of cases) {
      it(`refuses ${what}`, async () => {
        const before = await countProjectRows(api.db, project.id);
        const response = await send(mutate(valid()));
        expect(response.statusCode).toBe(400);
        const error = response.json<{ error: { code: string; message: string; details: { field: string }[] } }>().error;
        expect(error.code).toBe('validation_failed');
        expect(error.details.map((d) => d.field)).toContain(field);
        expect(await countProjectRows(api.db, project.id)).toEqual(before);
      });
    }

    it('refuses a body that is not JSON', async () => {
      const response = await api.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { ...project.auth, 'content-type': 'application/json' },
        payload: '{"from":',
      });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'body' }] } });
    });
  });

  it('answers 413 to a body over the configured limit', async () => {
    const response = await send({ ...valid(), text: 'x'.repeat(30_000) });
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: { code: 'payload_too_large' } });
  });

  it('answers 415 to a body that is not JSON-typed', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: { ...project.auth, 'content-type': 'text/plain' },
      payload: 'hello',
    });
    expect(response.statusCode).toBe(415);
    expect(response.json()).toMatchObject({ error: { code: 'unsupported_media_type' } });
  });

  it("refuses with 403 a From address on another project's domain, storing nothing", async () => {
    const before = await countProjectRows(api.db, project.id);
    const response = await send({ ...valid(), from: `news@${other.domain}` });
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'domain_not_verified', details: [{ field: 'from' }] } });
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  describe('refuses with 401 and stores nothing', () => {
    const keys: [string, () => Promise<Record<string, string>>][] = [
      ['no Authorization header', async () => ({})],
      ['a Basic Authorization header', async () => ({ authorization: `Basic ${Buffer.from('a:b').toString('base64')}` })],
      ['a key with a bad checksum', async () => ({ authorization: `Bearer ${tamperedKey(project.key)}` })],
      ['a well-formed key nobody issued', async () => ({ authorization: 'Bearer hk_live_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })],
      [
        'a revoked key',
        async () => {
          const revoked = await seedProject(api.db, 'revoked');
          await api.db.apiKey.update({ where: { id: revoked.apiKeyId }, data: { revokedAt: new Date() } });
          return revoked.auth;
        },
      ],
      [
        'an expired key',
        async () => {
          const expired = await seedProject(api.db, 'expired');
          await api.db.apiKey.update({ where: { id: expired.apiKeyId }, data: { expiresAt: new Date(Date.now() - 1000) } });
          return expired.auth;
        },
      ],
    ];
    for (const [what, headers] of keys) {
      it(`refuses ${what}`, async () => {
        // messages from this file's sending domain (other test files write to the same database meanwhile)
        const ours = () => api.db.message.count({ where: { fromEmail: `news@${project.domain}` } });
        const before = await ours();
        const response = await send(valid(), await headers());
        expect(response.statusCode).toBe(401);
        expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
        expect(await ours()).toBe(before);
      });
    }
  });
});
