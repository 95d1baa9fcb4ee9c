import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveFeedbackKeys, issueToken, unsubscribeToken } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { capturedLog } from '@herald/test/support/captured-log.ts';

const keys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));
const tokenFor = (recipientId: string) => unsubscribeToken(keys.unsubscribe, { kind: 'recipient', id: recipientId });
const ONE_CLICK = { 'content-type': 'application/x-www-form-urlencoded' };

describe('one-click unsubscribe over HTTPS (RFC 8058)', () => {
  let api: TestApi;
  let a: TestProject;
  let b: TestProject;
  const captured = capturedLog();

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_UNSUBSCRIBE_RATE_LIMIT: '1000' }, { log: captured.log });
    a = await seedProject(api.db, 'unsub-a');
    b = await seedProject(api.db, 'unsub-b');
    const hook = await api.app.inject({ method: 'POST', url: '/v1/webhooks', headers: a.auth, payload: { url: 'https://hooks.example.com/unsub', events: ['message.unsubscribed'] } });
    expect(hook.statusCode, hook.body).toBe(201);
  });
  afterAll(() => api.close());

  /** Sends a message from the project to these addresses; its recipients' ids by address. */
  const sendFrom = async (project: TestProject, to: string[]) => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `news@${project.domain}`, to, subject: 'News', text: 'body', unsubscribe: true },
    });
    expect(response.statusCode, response.body).toBe(202);
    const { id } = response.json<{ id: string }>();
    const rows = await api.db.recipient.findMany({ where: { messageId: id } });
    return { messageId: id, recipients: new Map(rows.map((r) => [r.email, r.id])) };
  };
  const effects = async (projectId: string, email: string) => ({
    suppressions: await api.db.suppression.findMany({ where: { projectId, email } }),
    events: await api.db.event.findMany({ where: { projectId, email, type: 'unsubscribed' } }),
    webhooks: await api.db.webhookDelivery.findMany({ where: { projectId, eventType: 'message.unsubscribed' } }),
  });
  const post = (token: string, payload = 'List-Unsubscribe=One-Click', headers: Record<string, string> = ONE_CLICK) =>
    api.app.inject({ method: 'POST', url: `/unsubscribe/${token}`, headers, payload });

  it('shows a confirmation page on GET, under a strict CSP, and changes nothing', async () => {
    const { recipients } = await sendFrom(a, ['get-only@example.org']);
    const token = tokenFor(recipients.get('get-only@example.org') as string);
    for (let i = 0; i < 3; i++) {
      const response = await api.app.inject({ method: 'GET', url: `/unsubscribe/${token}` });
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click">');
      expect(response.body).not.toMatch(/<script|\son\w+=|javascript:/i);
      const csp = String(response.headers['content-security-policy']);
      expect(csp).toMatch(/default-src 'none'/);
      expect(csp).toMatch(/style-src 'sha256-[A-Za-z0-9+/]+=*'/);
      expect(csp).toMatch(/form-action 'self'/);
      expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|script-src/);
      expect(response.headers['referrer-policy']).toBe('no-referrer');
      expect(response.headers['cache-control']).toBe('no-store');
    }
    expect((await api.app.inject({ method: 'HEAD', url: `/unsubscribe/${token}` })).statusCode).toBe(200);
    expect(await effects(a.id, 'get-only@example.org')).toMatchObject({ suppressions: [], events: [] });
  });

  it('unsubscribes on the one-click POST: the suppression, the unsubscribed event and its webhook; a second POST changes nothing', async () => {
    const { messageId, recipients } = await sendFrom(a, ['once@example.org', 'stays@example.org']);
    const token = tokenFor(recipients.get('once@example.org') as string);
    const webhooksBefore = (await effects(a.id, 'once@example.org')).webhooks.length;

    const first = await post(token);
    expect(first.statusCode, first.body).toBe(200);
    expect(first.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(first.body).toContain('You are unsubscribed');
    const after = await effects(a.id, 'once@example.org');
    expect(after.suppressions).toMatchObject([{ reason: 'unsubscribe', sourceMessageId: messageId }]);
    expect(after.events).toMatchObject([{ messageId, recipientId: recipients.get('once@example.org'), data: { method: 'one-click' } }]);
    expect(after.webhooks.length).toBe(webhooksBefore + 1);
    expect(after.webhooks.at(-1)?.payload).toMatchObject({ type: 'message.unsubscribed' });

    const second = await post(token);
    expect(second.statusCode).toBe(200);
    const again = await effects(a.id, 'once@example.org');
    expect([again.suppressions.length, again.events.length, again.webhooks.length]).toEqual([1, 1, webhooksBefore + 1]);
    // the other recipient of the same message is untouched
    expect(await effects(a.id, 'stays@example.org')).toMatchObject({ suppressions: [], events: [] });
    // and the next send to the address is suppressed
    const next = await api.app.inject({ method: 'POST', url: '/v1/messages', headers: a.auth, payload: { from: `news@${a.domain}`, to: 'once@example.org', subject: 'Again', text: 'x' } });
    expect(next.json()).toMatchObject({ status: 'suppressed' });
  });

  it("accepts RFC 8058's multipart/form-data body", async () => {
    const { recipients } = await sendFrom(a, ['multipart@example.org']);
    const body = ['--b0undary', 'Content-Disposition: form-data; name="List-Unsubscribe"', '', 'One-Click', '--b0undary--', ''].join('\r\n');
    const response = await post(tokenFor(recipients.get('multipart@example.org') as string), body, { 'content-type': 'multipart/form-data; boundary=b0undary' });
    expect(response.statusCode, response.body).toBe(200);
    expect((await effects(a.id, 'multipart@example.org')).suppressions).toHaveLength(1);
  });

  it("touches only the token's own project: the same address at another project stays subscribed", async () => {
    const mine = await sendFrom(a, ['shared@example.org']);
    const theirs = await sendFrom(b, ['shared@example.org']);
    expect((await post(tokenFor(mine.recipients.get('shared@example.org') as string))).statusCode).toBe(200);
    expect((await effects(a.id, 'shared@example.org')).suppressions).toHaveLength(1);
    expect(await effects(b.id, 'shared@example.org')).toMatchObject({ suppressions: [], events: [], webhooks: [] });
    expect(await api.db.event.count({ where: { messageId: theirs.messageId, type: 'unsubscribed' } })).toBe(0);
  });

  describe('refuses, as a page, writing nothing', () => {
    let token: string;
    let email: string;
    beforeAll(async () => {
      email = 'refusals@example.org';
      token = tokenFor((await sendFrom(a, [email])).recipients.get(email) as string);
    });

    const forged = () => `${token.slice(0, -1)}${token.endsWith('a') ? 'b' : 'a'}`;
    const cases: [string, () => ReturnType<typeof post>, number][] = [
      ['a forged token (one character of its MAC changed)', () => post(forged()), 404],
      ['a truncated token', () => post(token.slice(0, 30)), 400],
      ['a token with a character outside base32', () => post(`${token.slice(0, -1)}!`), 400],
      ['a token signed with the return-path key', () => post(issueToken(keys.verp, { kind: 'recipient', id: 'rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P' })), 404],
      ['a valid token for a recipient that does not exist', () => post(tokenFor('rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P')), 404],
      ['a message token', () => post(unsubscribeToken(keys.unsubscribe, { kind: 'message', id: 'msg_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P' })), 404],
      ['an empty body', () => post(token, ''), 400],
      ['the wrong value', () => post(token, 'List-Unsubscribe=Yes'), 400],
      ['a JSON body', () => post(token, '{"List-Unsubscribe":"One-Click"}', { 'content-type': 'application/json' }), 400],
      ['a text/plain body', () => post(token, 'List-Unsubscribe=One-Click', { 'content-type': 'text/plain' }), 415],
      ['an oversized body', () => post(token, `List-Unsubscribe=One-Click&x=${'a'.repeat(5000)}`), 413],
      ['a NUL byte in the path', () => api.app.inject({ method: 'POST', url: `/unsubscribe/${token}%00`, headers: ONE_CLICK, payload: 'List-Unsubscribe=One-Click' }), 400],
    ];
    for (const [what, request, status] of cases) {
      it(`refuses ${what} with ${status}`, async () => {
        const response = await request();
        expect(response.statusCode, response.body).toBe(status);
        expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(String(response.headers['content-security-policy'])).toMatch(/default-src 'none'/);
        expect(response.body).not.toContain(token.slice(10));
        expect(await effects(a.id, email)).toMatchObject({ suppressions: [], events: [] });
      });
    }

    it('answers GET for a forged or unknown token with 404 and a truncated one with 400', async () => {
      expect((await api.app.inject({ method: 'GET', url: `/unsubscribe/${forged()}` })).statusCode).toBe(404);
      expect((await api.app.inject({ method: 'GET', url: `/unsubscribe/${tokenFor('rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P')}` })).statusCode).toBe(404);
      expect((await api.app.inject({ method: 'GET', url: `/unsubscribe/${token.slice(0, 43)}` })).statusCode).toBe(400);
    });
  });

  it('answers 404 for the token of a recipient whose message was deleted by hand, writing nothing (no foreign key ties them)', async () => {
    const { messageId, recipients } = await sendFrom(a, ['left-behind@example.org']);
    const token = tokenFor(recipients.get('left-behind@example.org') as string);
    // the message alone, as a hand-written DELETE would: its recipient row stays (docs/partitioning.md#foreign-keys)
    await api.db.$executeRawUnsafe('DELETE FROM message_contents WHERE id = $1', messageId);
    await api.db.$executeRawUnsafe('DELETE FROM messages WHERE id = $1', messageId);
    expect(await api.db.recipient.count({ where: { messageId } })).toBe(1);
    expect((await api.app.inject({ method: 'GET', url: `/unsubscribe/${token}` })).statusCode).toBe(404);
    const response = await post(token);
    expect(response.statusCode, response.body).toBe(404);
    expect(await effects(a.id, 'left-behind@example.org')).toMatchObject({ suppressions: [], events: [] });
  });

  it('never writes a token into the request log', () => {
    expect(captured.text()).toContain('/unsubscribe/[redacted]');
    expect(captured.text()).not.toMatch(/\/unsubscribe\/(?!\[redacted\])[a-z0-9]{20}/i);
  });
});

describe('one-click unsubscribe: rate limit and a real socket', () => {
  let api: TestApi;
  let project: TestProject;
  let base: string;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_UNSUBSCRIBE_RATE_LIMIT: '1' });
    project = await seedProject(api.db, 'unsub-socket');
    base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  });
  afterAll(() => api.close());

  it('unsubscribes over a real HTTP connection, then answers 429 with Retry-After past the per-client burst, unsubscribing no one more', async () => {
    const sent = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `news@${project.domain}`, to: ['one@example.org', 'two@example.org'], subject: 'News', text: 'body', unsubscribe: true },
    });
    const rows = await api.db.recipient.findMany({ where: { messageId: sent.json<{ id: string }>().id }, orderBy: { email: 'asc' } });
    const [one, two] = rows.map((r) => tokenFor(r.id)) as [string, string];

    const response = await fetch(`${base}/unsubscribe/${one}`, { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' });
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('You are unsubscribed');
    expect(await api.db.suppression.count({ where: { projectId: project.id, email: 'one@example.org' } })).toBe(1);

    // a burst of 4 per client address (4 x 1/s): the next ones are refused
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await fetch(`${base}/unsubscribe/${one}`)).status);
    expect(statuses).toContain(429);
    const refused = await fetch(`${base}/unsubscribe/${two}`, { method: 'POST', headers: ONE_CLICK, body: 'List-Unsubscribe=One-Click' });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await refused.text()).toContain('rate_limited');
    expect(await api.db.suppression.count({ where: { projectId: project.id, email: 'two@example.org' } })).toBe(0);
  });
});

describe('one-click unsubscribe while Postgres is unreachable', () => {
  let api: TestApi;

  beforeAll(async () => {
    // nothing listens on port 9: every query fails as with a database that is down
    api = await buildTestApi({ DATABASE_URL: 'postgresql://postgres@127.0.0.1:9/herald_down' });
  });
  afterAll(() => api.close());

  it('answers 503 with Retry-After, as a page, for the GET and the POST of a valid token', async () => {
    const token = tokenFor('rcpt_01JDQ3V8Q6X3G7N1ZJ4Y2K5W8P');
    for (const response of [
      await api.app.inject({ method: 'GET', url: `/unsubscribe/${token}` }),
      await api.app.inject({ method: 'POST', url: `/unsubscribe/${token}`, headers: ONE_CLICK, payload: 'List-Unsubscribe=One-Click' }),
    ]) {
      expect(response.statusCode, response.body).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(response.body).toContain('service_unavailable');
    }
  });
});
