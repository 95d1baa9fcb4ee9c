import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

interface ErrorAnswer {
  error: { code: string; details?: { field: string; message: string }[] };
}

/** A message as a MIME composer gives it, with LF line endings; `date` and `boundary` change from one build to the next. */
function mime(from: string, { messageId = '<order-42@app.example>', date = 'Fri, 04 Dec 2026 10:00:00 +0000', subject = 'Raw hello', extra = [] as string[] } = {}) {
  return [
    `From: "Acme" <${from}>`,
    'To: ann@one.example',
    'Cc: cy@one.example',
    'Bcc: hidden@two.example',
    `Subject: ${subject}`,
    ...(messageId ? [`Message-ID: ${messageId}`] : []),
    `Date: ${date}`,
    ...extra,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    'Hello from a composer.',
    '',
  ].join('\n');
}

describe('POST /v1/messages/raw', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'raw');
    other = await seedProject(api.db, 'raw-other');
  });
  afterAll(() => api.close());

  const post = (payload: object, headers: Record<string, string> = {}) =>
    api.app.inject({ method: 'POST', url: '/v1/messages/raw', headers: { ...project.auth, ...headers }, payload });
  const body = (raw: string, recipients = ['ann@one.example', 'cy@one.example', 'hidden@two.example']) => ({ raw: Buffer.from(raw).toString('base64'), recipients });

  it('stores the message as SMTP submission would: envelope recipients as to, cc and bcc, Bcc removed, its Message-ID kept, X-Herald headers read', async () => {
    const response = await post(body(mime(`hello@${project.domain}`, { messageId: '<kept-1@app.example>', extra: ['X-Herald-Tags: welcome'] })));
    expect(response.statusCode, response.body).toBe(202);
    const { id } = response.json<{ id: string }>();
    const stored = await api.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true, content: true } });
    expect(stored).toMatchObject({ source: 'api', subject: 'Raw hello', fromName: 'Acme', tags: ['welcome'], messageIdHeader: 'kept-1@app.example' });
    expect(stored.recipients.map((r) => `${r.kind} ${r.email}`).sort()).toEqual(['bcc hidden@two.example', 'cc cy@one.example', 'to ann@one.example']);
    const raw = Buffer.from(stored.content?.raw as Uint8Array).toString();
    expect(raw).not.toMatch(/^Bcc:/im);
    expect(raw).not.toMatch(/^X-Herald-Tags:/im);
    expect(raw).toContain('\r\nHello from a composer.\r\n');
    expect(raw).not.toMatch(/[^\r]\n/);
  });

  it('answers a send rebuilt with a new Date under the same key and Message-ID with the first message; another Message-ID under the key is a 409', async () => {
    const first = await post(body(mime(`hello@${project.domain}`, { messageId: '<again@app.example>' })), { 'idempotency-key': '<again@app.example>' });
    expect(first.statusCode, first.body).toBe(202);
    const rows = await countProjectRows(api.db, project.id);
    const rebuilt = await post(body(mime(`hello@${project.domain}`, { messageId: '<again@app.example>', date: 'Fri, 04 Dec 2026 10:00:09 +0000' })), { 'idempotency-key': '<again@app.example>' });
    expect([rebuilt.statusCode, rebuilt.headers['idempotent-replayed'], rebuilt.json<{ id: string }>().id]).toEqual([202, 'true', first.json<{ id: string }>().id]);
    expect(await countProjectRows(api.db, project.id)).toEqual(rows);

    const other = await post(body(mime(`hello@${project.domain}`, { messageId: '<different@app.example>' })), { 'idempotency-key': '<again@app.example>' });
    expect([other.statusCode, other.json<ErrorAnswer>().error.code]).toEqual([409, 'idempotency_conflict']);
    const fewer = await post(body(mime(`hello@${project.domain}`, { messageId: '<again@app.example>' }), ['ann@one.example']), { 'idempotency-key': '<again@app.example>' });
    expect([fewer.statusCode, fewer.json<ErrorAnswer>().error.code]).toEqual([409, 'idempotency_conflict']);
  });

  it('compares a message without a Message-ID byte for byte under its key', async () => {
    const first = await post(body(mime(`hello@${project.domain}`, { messageId: '' })), { 'idempotency-key': 'no-message-id' });
    const same = await post(body(mime(`hello@${project.domain}`, { messageId: '' })), { 'idempotency-key': 'no-message-id' });
    expect(same.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    const rebuilt = await post(body(mime(`hello@${project.domain}`, { messageId: '', date: 'Sat, 05 Dec 2026 10:00:00 +0000' })), { 'idempotency-key': 'no-message-id' });
    expect([rebuilt.statusCode, rebuilt.json<ErrorAnswer>().error.code]).toEqual([409, 'idempotency_conflict']);
  });

  it('refuses, naming the field and storing nothing: bad base64, a bad envelope address, no recipients, unknown fields, no From, an unverified domain, a header injection', async () => {
    const before = await countProjectRows(api.db, project.id);
    const cases: [object, number, string, string][] = [
      [{ raw: 'not base64!', recipients: ['ann@one.example'] }, 400, 'validation_failed', 'raw'],
      [body(mime(`hello@${project.domain}`), ['ann@one.example', 'Ann <ann@one.example>']), 400, 'validation_failed', 'recipients.1'],
      [body(mime(`hello@${project.domain}`), []), 400, 'validation_failed', 'recipients'],
      [{ ...body(mime(`hello@${project.domain}`)), from: 'x@y.example' }, 400, 'validation_failed', 'from'],
      [body(mime(`hello@${project.domain}`).replace(/^From: .*\n/m, '')), 400, 'validation_failed', 'header.from'],
      [body(mime(`hello@${other.domain}`)), 403, 'domain_not_verified', 'from'],
      [body(mime(`hello@${project.domain}`, { extra: ['X-Herald-Tags: not a tag!'] })), 400, 'validation_failed', 'header.x-herald-tags'],
    ];
    for (const [payload, status, code, field] of cases) {
      const response = await post(payload);
      expect([response.statusCode, response.json<ErrorAnswer>().error.code], `${field}: ${response.body}`).toEqual([status, code]);
      expect(JSON.stringify(response.json<ErrorAnswer>().error), response.body).toContain(field);
    }
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it("needs the messages:send scope and never lets one project's key send from another's domain", async () => {
    const readOnly = await createScopedKey(api.db, project.id, ['messages:read']);
    const unscoped = await api.app.inject({ method: 'POST', url: '/v1/messages/raw', headers: readOnly, payload: body(mime(`hello@${project.domain}`)) });
    expect([unscoped.statusCode, unscoped.json<ErrorAnswer>().error.code]).toEqual([403, 'insufficient_scope']);
    const response = await api.app.inject({ method: 'POST', url: '/v1/messages/raw', headers: other.auth, payload: body(mime(`hello@${project.domain}`)) });
    expect([response.statusCode, response.json<ErrorAnswer>().error.code]).toEqual([403, 'domain_not_verified']);
  });
});
