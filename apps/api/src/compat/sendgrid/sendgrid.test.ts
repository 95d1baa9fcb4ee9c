import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { tamperedKey } from '@herald/test/support/scoped-key.ts';

interface SendgridErrors {
  errors: { message: string; field: string | null; help: string | null }[];
}

/** SendGrid's shapes over app.inject; the official client against running processes is in test/e2e/vendor-clients.test.ts. */
describe('the SendGrid-compatible endpoint (/sendgrid/v3/mail/send)', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  const send = (payload: Record<string, unknown>, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'POST', url: '/sendgrid/v3/mail/send', headers, payload });
  const mail = (extra: Record<string, unknown> = {}) => ({
    personalizations: [{ to: [{ email: 'ann@one.example' }] }],
    from: { email: `hello@${project.domain}`, name: 'Acme' },
    subject: 'Hi',
    content: [{ type: 'text/plain', value: 'Hi' }],
    ...extra,
  });

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'sendgrid');
    other = await seedProject(api.db, 'sendgrid-other');
  });
  afterAll(async () => {
    await api?.close();
  });

  it('makes each personalization its own message with its own recipients, subject and substitutions; 202 with X-Message-Id', async () => {
    const sendAt = Math.floor(Date.now() / 1000) + 3600;
    const response = await send(
      mail({
        personalizations: [
          { to: [{ email: 'ann@one.example', name: 'Ann' }], cc: [{ email: 'cy@one.example' }], substitutions: { '-name-': 'Ann' }, custom_args: { user: '1' } },
          { to: [{ email: 'bo@two.example' }], subject: 'For -name-', substitutions: { '-name-': 'Bo' }, custom_args: { user: '2' }, send_at: sendAt },
        ],
        subject: 'Hello -name-',
        content: [
          { type: 'text/plain', value: 'Dear -name-' },
          { type: 'text/html', value: '<p>Dear -name-</p>' },
        ],
        categories: ['welcome'],
        custom_args: { campaign: 'c1' },
        headers: { 'X-Entity-Ref': 'e1' },
        reply_to: { email: 'help@one.example' },
        tracking_settings: { click_tracking: { enable: true } },
      }),
    );
    expect(response.statusCode, response.body).toBe(202);
    expect(response.body).toBe('');
    const ids = (response.headers['x-herald-message-ids'] as string).split(',');
    expect(ids).toHaveLength(2);
    expect(response.headers['x-message-id']).toBe(ids[0]);
    const [first, second] = await Promise.all(ids.map((id) => api.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true, content: true } })));
    expect(first).toMatchObject({ source: 'sendgrid', subject: 'Hello Ann', tags: ['welcome'], metadata: { campaign: 'c1', user: '1' }, status: 'queued' });
    expect(first?.recipients.map((r) => r.email).sort()).toEqual(['ann@one.example', 'cy@one.example']);
    expect(second).toMatchObject({ subject: 'For Bo', metadata: { campaign: 'c1', user: '2' }, status: 'scheduled', sendAt: new Date(sendAt * 1000) });
    expect(second?.recipients.map((r) => r.email)).toEqual(['bo@two.example']);
    const raw = Buffer.from(second?.content?.raw as Uint8Array).toString();
    expect(raw).toContain('Dear Bo');
    expect(raw).not.toContain('-name-');
    expect(raw).toContain('X-Entity-Ref: e1');
  });

  it("refuses what Herald cannot do, naming the field in SendGrid's errors[], and stores nothing", async () => {
    const before = await countProjectRows(api.db, project.id);
    for (const [extra, field] of [
      [{ template_id: 'd-123' }, 'template_id'],
      [{ mail_settings: { sandbox_mode: { enable: true } } }, 'mail_settings'],
      [{ personalizations: [{ to: [{ email: 'ann@one.example' }] }, { to: [{ email: 'nope' }] }] }, 'personalizations.1.to.0'],
      [{ personalizations: [{ to: [{ email: 'ann@one.example' }], dynamic_template_data: { a: 1 } }] }, 'personalizations.0.dynamic_template_data'],
      [{ headers: { 'X-A': 'x\r\nBcc: victim@example.com' } }, 'personalizations.0.headers.X-A'],
      [{ content: [{ type: 'text/calendar', value: 'x' }] }, 'content.0.type'],
    ] as const) {
      const response = await send(mail(extra));
      expect(response.statusCode, JSON.stringify(extra)).toBe(400);
      expect(response.json<SendgridErrors>().errors.map((e) => e.field)).toContain(field);
    }
    expect(await countProjectRows(api.db, project.id)).toEqual(before);
  });

  it('answers a bad key 401, an unverified sender 403, each in errors[]', async () => {
    const forged = await send(mail(), { authorization: `Bearer ${tamperedKey(project.key)}` });
    expect(forged.statusCode).toBe(401);
    expect(forged.json<SendgridErrors>().errors[0]?.message).toMatch(/authorization grant is invalid/);
    const unverified = await send(mail({ from: { email: `hello@${other.domain}` } }));
    expect(unverified.statusCode).toBe(403);
    expect(unverified.json<SendgridErrors>().errors[0]?.message).toMatch(/verified Sender Identity/);
  });
});
