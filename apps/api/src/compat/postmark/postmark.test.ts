import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { tamperedKey } from '@herald/test/support/scoped-key.ts';

interface PostmarkAnswer {
  To?: string;
  MessageID?: string;
  ErrorCode: number;
  Message: string;
}

/** Postmark's shapes over app.inject; the official client against running processes is in test/e2e/vendor-clients.test.ts. */
describe('the Postmark-compatible endpoints (/postmark)', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  const token = () => ({ 'x-postmark-server-token': project.key });
  const post = (url: string, payload: unknown, headers: Record<string, string> = token()) =>
    api.app.inject({ method: 'POST', url: `/postmark${url}`, headers, payload: payload as Record<string, unknown> });
  const email = (extra: Record<string, unknown> = {}) => ({ From: `"Acme, Inc." <hello@${project.domain}>`, To: 'ann@one.example', Subject: 'Hi', TextBody: 'Hi', ...extra });

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'postmark');
    other = await seedProject(api.db, 'postmark-other');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('sends through the one intake with Tag, Metadata, Headers, a stream and inline attachments; tracking is accepted and ignored', async () => {
    const response = await post(
      '/email',
      email({
        To: '"Ann, Smith" <ann@one.example>, bo@two.example',
        Cc: 'cy@one.example',
        ReplyTo: 'help@one.example',
        HtmlBody: '<img src="cid:logo.png">',
        Tag: 'welcome',
        Metadata: { user: '42' },
        Headers: [{ Name: 'X-Entity-Ref', Value: 'order-42' }],
        Attachments: [{ Name: 'logo.png', Content: Buffer.from('png').toString('base64'), ContentType: 'image/png', ContentID: 'cid:logo.png' }],
        MessageStream: 'broadcasts',
        TrackOpens: true,
        TrackLinks: 'HtmlAndText',
      }),
    );
    expect(response.statusCode, response.body).toBe(200);
    const sent = response.json<PostmarkAnswer>();
    expect(sent).toMatchObject({ To: 'ann@one.example, bo@two.example', ErrorCode: 0, Message: 'OK' });
    const stored = await api.db.message.findUniqueOrThrow({ where: { id: sent.MessageID as string }, include: { recipients: true, content: true } });
    expect(stored).toMatchObject({ source: 'postmark', fromName: 'Acme, Inc.', tags: ['welcome'], metadata: { user: '42', message_stream: 'broadcasts' } });
    expect(stored.recipients.map((r) => `${r.kind} ${r.email}`).sort()).toEqual(['cc cy@one.example', 'to ann@one.example', 'to bo@two.example']);
    const raw = Buffer.from(stored.content?.raw as Uint8Array).toString();
    expect(raw).toContain('X-Entity-Ref: order-42');
    expect(raw).toContain('Content-ID: <logo.png>');
  });

  it('answers bad tokens with 401 ErrorCode 10, an unverified sender with 422 ErrorCode 400, a bad address with 422 ErrorCode 300', async () => {
    const missing = await post('/email', email(), project.auth);
    expect([missing.statusCode, missing.json<PostmarkAnswer>().ErrorCode]).toEqual([401, 10]);
    const forged = await post('/email', email(), { 'x-postmark-server-token': tamperedKey(project.key) });
    expect([forged.statusCode, forged.json<PostmarkAnswer>().ErrorCode]).toEqual([401, 10]);
    const unverified = await post('/email', email({ From: `hello@${other.domain}` }));
    expect([unverified.statusCode, unverified.json<PostmarkAnswer>().ErrorCode]).toEqual([422, 400]);
    const before = await countProjectRows(api.db, project.id);
    for (const [extra, field] of [
      [{ To: 'ann@one.example, not an address' }, 'To.1'],
      [{ TemplateId: 5 }, 'TemplateId'],
      [{ Headers: [{ Name: 'Bcc', Value: 'x@example.com' }] }, 'Headers.Bcc'],
      [{ Attachments: [{ Name: '../etc/passwd', Content: 'AAAA' }] }, 'Attachments.0.Name'],
    ] as const) {
      const bad = await post('/email', email(extra));
      expect([bad.statusCode, bad.json<PostmarkAnswer>().ErrorCode], JSON.stringify(extra)).toEqual([422, 300]);
      expect(bad.json<PostmarkAnswer>().Message).toContain(field === 'TemplateId' ? 'TemplateId' : field);
    }
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('answers 422 ErrorCode 406 when every recipient is inactive (suppressed)', async () => {
    const suppress = await api.app.inject({ method: 'POST', url: '/v1/suppressions', headers: project.auth, payload: { email: 'gone@one.example' } });
    expect(suppress.statusCode, suppress.body).toBeLessThan(300);
    const response = await post('/email', email({ To: 'gone@one.example' }));
    expect([response.statusCode, response.json<PostmarkAnswer>().ErrorCode]).toEqual([422, 406]);
  });

  it('answers a batch with one result per message, in order, sending the good ones', async () => {
    const response = await post('/email/batch', [email(), email({ To: 'nope' }), email({ From: `hello@${other.domain}` }), email({ To: 'bo@two.example' })]);
    expect(response.statusCode, response.body).toBe(200);
    const results = response.json<PostmarkAnswer[]>();
    expect(results.map((r) => r.ErrorCode)).toEqual([0, 300, 400, 0]);
    expect(results[1]?.Message).toContain('1.To.0');
    const ids = [results[0]?.MessageID, results[3]?.MessageID] as string[];
    expect(await api.db.message.count({ where: { id: { in: ids }, projectId: project.id } })).toBe(2);
  });
  describe('templates (/email/withTemplate, /email/batchWithTemplates)', () => {
    let template: { id: string; alias: string };
    beforeAll(async () => {
      const alias = `welcome-${Date.now()}`;
      const created = await api.app.inject({
        method: 'POST',
        url: '/v1/templates',
        headers: project.auth,
        payload: { name: 'Welcome', alias, subject: 'Welcome, {{name}}', html: '<p>Hello {{name}}{{#if plan}}, on {{plan}}{{/if}}</p>', text: 'Hello {{name}}' },
      });
      expect(created.statusCode, created.body).toBe(201);
      template = { id: created.json<{ id: string }>().id, alias };
    });
    const templated = (extra: Record<string, unknown> = {}) => ({ From: `hello@${project.domain}`, To: 'ann@one.example', TemplateAlias: template.alias, TemplateModel: { name: 'Ann' }, ...extra });

    it('renders the template named by alias or by its Herald id with TemplateModel through the one intake, a missing variable printing as nothing', async () => {
      for (const ref of [{ TemplateAlias: template.alias }, { TemplateAlias: undefined, TemplateId: template.id }]) {
        const response = await post('/email/withTemplate', templated({ ...ref, Tag: 'welcome', InlineCss: true, Metadata: { user: '7' } }));
        expect(response.statusCode, response.body).toBe(200);
        const sent = response.json<PostmarkAnswer>();
        expect(sent).toMatchObject({ To: 'ann@one.example', ErrorCode: 0, Message: 'OK' });
        const stored = await api.db.message.findUniqueOrThrow({ where: { id: sent.MessageID as string }, include: { content: true } });
        expect(stored).toMatchObject({ source: 'postmark', subject: 'Welcome, Ann', templateId: template.id, templateVersion: 1, tags: ['welcome'], metadata: { user: '7' } });
        const raw = Buffer.from(stored.content?.raw as Uint8Array).toString();
        expect(raw).toContain('<p>Hello Ann</p>');
        expect(raw).toContain('Hello Ann');
      }
    });

    it('answers a template the project does not have with 422 ErrorCode 1101, and a malformed request with 300, storing nothing', async () => {
      const otherTemplate = await api.app.inject({ method: 'POST', url: '/v1/templates', headers: other.auth, payload: { name: 'Theirs', subject: 'x', html: '<p>x</p>' } });
      expect(otherTemplate.statusCode, otherTemplate.body).toBe(201);
      const before = await countProjectRows(api.db, project.id);
      for (const ref of [{ TemplateAlias: 'no-such-template' }, { TemplateAlias: undefined, TemplateId: 12345 }, { TemplateAlias: undefined, TemplateId: otherTemplate.json<{ id: string }>().id }]) {
        const response = await post('/email/withTemplate', templated(ref));
        expect([response.statusCode, response.json<PostmarkAnswer>().ErrorCode], JSON.stringify(ref)).toEqual([422, 1101]);
        expect(response.json<PostmarkAnswer>().Message).toMatch(/template/);
      }
      for (const [extra, field] of [
        [{ TemplateId: template.id }, 'TemplateId'],
        [{ TemplateModel: undefined }, 'TemplateModel'],
        [{ Subject: 'Hi' }, 'Subject'],
        [{ To: 'not an address' }, 'To.0'],
      ] as const) {
        const response = await post('/email/withTemplate', templated(extra));
        expect([response.statusCode, response.json<PostmarkAnswer>().ErrorCode], JSON.stringify(extra)).toEqual([422, 300]);
        expect(response.json<PostmarkAnswer>().Message).toContain(field);
      }
      expect(await countProjectRows(api.db, project.id)).toEqual(before);
    });

    it('answers a batch with templates with one result per message, in order, sending the good ones', async () => {
      const response = await post('/email/batchWithTemplates', {
        Messages: [templated(), templated({ TemplateAlias: 'no-such-template' }), templated({ To: 'nope' }), templated({ To: 'bo@two.example', TemplateModel: { name: 'Bo' } })],
      });
      expect(response.statusCode, response.body).toBe(200);
      const results = response.json<PostmarkAnswer[]>();
      expect(results.map((r) => r.ErrorCode)).toEqual([0, 1101, 300, 0]);
      expect(results[2]?.Message).toContain('2.To.0');
      const stored = await api.db.message.findMany({ where: { id: { in: [results[0]?.MessageID, results[3]?.MessageID] as string[] }, projectId: project.id }, orderBy: { subject: 'asc' } });
      expect(stored.map((m) => m.subject)).toEqual(['Welcome, Ann', 'Welcome, Bo']);
      const unwrapped = await post('/email/batchWithTemplates', [templated()]);
      expect([unwrapped.statusCode, unwrapped.json<PostmarkAnswer>().ErrorCode]).toEqual([422, 300]);
    });
  });
});
