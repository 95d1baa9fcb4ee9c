import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

interface SuppressionView {
  email: string;
  reason: string;
  note: string | null;
  source_message_id: string | null;
  created_at: string;
}
interface ListBody {
  data: SuppressionView[];
  next_cursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; details: { field: string; message: string }[] };
}

describe('suppressions', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  const add = (payload: unknown, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'POST', url: '/v1/suppressions', headers, payload: payload as object });
  const list = (query = '', headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'GET', url: `/v1/suppressions${query}`, headers });
  const remove = (email: string, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'DELETE', url: `/v1/suppressions/${encodeURIComponent(email)}`, headers });
  const stored = (projectId: string, email: string) =>
    api.db.suppression.findUnique({ where: { projectId_email: { projectId, email } } });

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'supp');
    other = await seedProject(api.db, 'supp-other');
  });
  afterAll(() => api.close());

  describe('POST /v1/suppressions', () => {
    it('adds an address with 201, reason manual by default, lower-cased and with its IDN domain in punycode', async () => {
      const response = await add({ email: 'Ann.Lee@Bücher.Example', note: 'asked by phone' });
      expect(response.statusCode).toBe(201);
      const body = response.json<SuppressionView>();
      expect(body).toEqual({
        email: 'ann.lee@xn--bcher-kva.example',
        reason: 'manual',
        note: 'asked by phone',
        source_message_id: null,
        created_at: body.created_at,
      });
      const row = await stored(project.id, 'ann.lee@xn--bcher-kva.example');
      expect(row?.createdAt.toISOString()).toBe(body.created_at);
    });

    it('answers 200 with the existing entry, unchanged, when the address is already suppressed', async () => {
      const first = await add({ email: 'twice@one.example', reason: 'unsubscribe', note: 'first' });
      expect(first.statusCode).toBe(201);
      const again = await add({ email: 'TWICE@One.Example', reason: 'complaint', note: 'second' });
      expect(again.statusCode).toBe(200);
      expect(again.json()).toEqual(first.json());
      expect(await api.db.suppression.count({ where: { projectId: project.id, email: 'twice@one.example' } })).toBe(1);
      expect(await stored(project.id, 'twice@one.example')).toMatchObject({ reason: 'unsubscribe', note: 'first' });
    });

    it('adds an address once when the same request arrives several times at once', async () => {
      const responses = await Promise.all(Array.from({ length: 5 }, () => add({ email: 'racing@one.example' })));
      expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 200, 200, 200, 201]);
      expect(new Set(responses.map((r) => r.body)).size).toBe(1);
      expect(await api.db.suppression.count({ where: { projectId: project.id, email: 'racing@one.example' } })).toBe(1);
    });

    const refusals: [string, unknown, string][] = [
      ['an invalid email', { email: 'not-an-address' }, 'email'],
      ['an address literal', { email: 'root@[127.0.0.1]' }, 'email'],
      ['a line break in the email', { email: 'a@one.example\r\nx' }, 'email'],
      ['an unknown reason', { email: 'ok@one.example', reason: 'annoyed' }, 'reason'],
      ['a missing email', { reason: 'manual' }, 'email'],
      ['a bidirectional control in the email', { email: 'ann\u202E@one.example' }, 'email'],
    ];
    for (const [what, payload, field] of refusals) {
      it(`refuses ${what} with 400 naming ${field}, storing nothing`, async () => {
        const before = await api.db.suppression.count({ where: { projectId: project.id } });
        const response = await add(payload);
        expect(response.statusCode).toBe(400);
        const { error } = response.json<ErrorBody>();
        expect(error.code).toBe('validation_failed');
        expect(error.details.map((d) => d.field)).toEqual([field]);
        expect(await api.db.suppression.count({ where: { projectId: project.id } })).toBe(before);
      });
    }

    it('refuses an unknown field with 400 naming it, storing nothing', async () => {
      const response = await add({ email: 'extra@one.example', expires: '2030-01-01' });
      expect(response.statusCode).toBe(400);
      const { error } = response.json<ErrorBody>();
      expect(error.code).toBe('validation_failed');
      expect(error.message).toContain('expires');
      expect(await stored(project.id, 'extra@one.example')).toBeNull();
    });
  });

  describe('GET /v1/suppressions', () => {
    let listing: TestProject;
    /** Addresses in the order they were added. */
    const added = ['a@list.example', 'b@list.example', 'c@list.example', 'd@list.example', 'e@list.example'];
    const reasons = ['manual', 'hard_bounce', 'manual', 'complaint', 'hard_bounce'];

    beforeAll(async () => {
      listing = await seedProject(api.db, 'supp-list');
      for (const [i, email] of added.entries()) {
        expect((await add({ email, reason: reasons[i] }, listing.auth)).statusCode).toBe(201);
      }
      // another project suppressing an address of the same name, and one of its own
      expect((await add({ email: 'a@list.example' }, other.auth)).statusCode).toBe(201);
      expect((await add({ email: 'theirs@list.example', reason: 'hard_bounce' }, other.auth)).statusCode).toBe(201);
    });

    it('lists the project’s entries newest first', async () => {
      const response = await list('', listing.auth);
      expect(response.statusCode).toBe(200);
      const body = response.json<ListBody>();
      expect(body.data.map((s) => s.email)).toEqual([...added].reverse());
      expect(body.data.map((s) => s.reason)).toEqual([...reasons].reverse());
      expect(body.next_cursor).toBeNull();
    });

    it('walks every entry exactly once with cursor pagination', async () => {
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      for (let i = 0; i < 10; i++) {
        const response = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, listing.auth);
        expect(response.statusCode).toBe(200);
        const body = response.json<ListBody>();
        seen.push(...body.data.map((s) => s.email));
        sizes.push(body.data.length);
        cursor = body.next_cursor;
        if (!cursor) break;
      }
      expect(sizes).toEqual([2, 2, 1]);
      expect(seen).toEqual([...added].reverse());
    });

    it('filters by reason', async () => {
      const response = await list('?reason=hard_bounce', listing.auth);
      expect(response.json<ListBody>().data.map((s) => s.email)).toEqual(['e@list.example', 'b@list.example']);
      const refused = await list('?reason=annoyed', listing.auth);
      expect(refused.statusCode).toBe(400);
      expect(refused.json<ErrorBody>().error.details.map((d) => d.field)).toEqual(['query.reason']);
    });

    it('never shows another project’s entries', async () => {
      const body = (await list('?limit=100', listing.auth)).json<ListBody>();
      expect(body.data.map((s) => s.email)).not.toContain('theirs@list.example');
      expect(body.data.filter((s) => s.email === 'a@list.example')).toHaveLength(1);
      const theirs = (await list('', other.auth)).json<ListBody>();
      expect(theirs.data.map((s) => s.email)).toEqual(['theirs@list.example', 'a@list.example']);
    });

    it('refuses a cursor it did not issue with 400 naming query.cursor', async () => {
      const response = await list('?cursor=nonsense', listing.auth);
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.details.map((d) => d.field)).toEqual(['query.cursor']);
    });
  });

  describe('DELETE /v1/suppressions/{email}', () => {
    it('removes an entry with 204, whatever the case of the address, then answers 404', async () => {
      expect((await add({ email: 'gone@one.example' })).statusCode).toBe(201);
      const removed = await remove('Gone@ONE.example');
      expect(removed.statusCode).toBe(204);
      expect(removed.body).toBe('');
      expect(await stored(project.id, 'gone@one.example')).toBeNull();
      const again = await remove('gone@one.example');
      expect(again.statusCode).toBe(404);
      expect(again.json()).toMatchObject({ error: { code: 'not_found' } });
    });

    it("answers 404 to another project's entry and leaves it in place", async () => {
      expect((await add({ email: 'kept@one.example' }, other.auth)).statusCode).toBe(201);
      const response = await remove('kept@one.example');
      expect(response.statusCode).toBe(404);
      expect(await stored(other.id, 'kept@one.example')).not.toBeNull();
    });

    it('removes an address as long as addresses may be (254 characters, 320 once percent-encoded), and answers 414 past the path limit', async () => {
      const longest = `${'a+'.repeat(32)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(53)}.example`;
      expect(longest).toHaveLength(254);
      expect((await add({ email: longest })).statusCode).toBe(201);
      expect((await remove(longest)).statusCode).toBe(204);
      expect(await stored(project.id, longest)).toBeNull();
      const overlong = await remove(`${'x'.repeat(600)}@example.org`);
      expect(overlong.statusCode).toBe(414);
      expect(overlong.json()).toEqual({ error: { code: 'uri_too_long', message: 'a value in the path is longer than 512 characters' } });
    });

    it('refuses an address that is not one with 400 naming params.email', async () => {
      const response = await remove('not-an-address');
      expect(response.statusCode).toBe(400);
      expect(response.json<ErrorBody>().error.details.map((d) => d.field)).toEqual(['params.email']);
    });
  });

  describe('sending to suppressed addresses', () => {
    const sendTo = (to: string[]) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: project.auth,
        payload: { from: `news@${project.domain}`, to, subject: 'Hello', text: 'hi' },
      });

    it('marks a suppressed recipient suppressed, with a suppressed event and no job for its domain, and queues the other', async () => {
      expect((await add({ email: 'blocked@blocked.example' })).statusCode).toBe(201);
      const before = api.jobs.length;
      const response = await sendTo(['Blocked@Blocked.Example', 'fine@open.example']);
      expect(response.statusCode).toBe(202);
      const accepted = response.json<{ id: string; status: string; recipients: unknown[] }>();
      expect(accepted.status).toBe('queued');
      expect(accepted.recipients).toEqual([
        { email: 'Blocked@blocked.example', status: 'suppressed' },
        { email: 'fine@open.example', status: 'queued' },
      ]);
      const events = await api.db.event.findMany({ where: { messageId: accepted.id } });
      expect(events.map((e) => `${e.type} ${e.email}`).sort()).toEqual(['queued fine@open.example', 'suppressed Blocked@blocked.example']);
      expect(api.jobs.slice(before)).toEqual([{ data: { messageId: accepted.id, domain: 'open.example' }, delayMs: 0, batch: expect.stringMatching(/^batch_/) as unknown }]);
      const recipient = await api.db.recipient.findFirstOrThrow({ where: { messageId: accepted.id, status: 'suppressed' } });
      expect(recipient.finalAt).not.toBeNull();
    });

    it('gives a message whose every recipient is suppressed the status suppressed and queues no job at all', async () => {
      expect((await add({ email: 'one@blocked.example' })).statusCode).toBe(201);
      expect((await add({ email: 'two@elsewhere.example', reason: 'complaint' })).statusCode).toBe(201);
      const before = api.jobs.length;
      const response = await sendTo(['one@blocked.example', 'two@elsewhere.example']);
      expect(response.statusCode).toBe(202);
      const accepted = response.json<{ id: string; status: string }>();
      expect(accepted.status).toBe('suppressed');
      expect(api.jobs.length).toBe(before);
      const message = await api.db.message.findUniqueOrThrow({ where: { id: accepted.id }, include: { recipients: true, events: true } });
      expect(message.status).toBe('suppressed');
      expect(message.recipients.map((r) => r.status)).toEqual(['suppressed', 'suppressed']);
      expect(message.events.map((e) => e.type)).toEqual(['suppressed', 'suppressed']);
    });

    it('matches an internationalised address in any case and Unicode form, and removes it by its URL-encoded UTF-8', async () => {
      const added = await add({ email: 'JÜRGEN@Utf8.Example' });
      expect(added.json()).toMatchObject({ email: 'jürgen@utf8.example' });
      const response = await sendTo(['Ju\u0308rgen@utf8.example', 'fine@open.example']);
      expect(response.json<{ recipients: unknown[] }>().recipients).toEqual([
        { email: 'Jürgen@utf8.example', status: 'suppressed' },
        { email: 'fine@open.example', status: 'queued' },
      ]);
      expect((await remove('jürgen@utf8.example')).statusCode).toBe(204);
      expect(await stored(project.id, 'jürgen@utf8.example')).toBeNull();
    });

    it('sends to an address again once it is removed from the list', async () => {
      expect((await add({ email: 'back@again.example' })).statusCode).toBe(201);
      expect((await sendTo(['back@again.example'])).json()).toMatchObject({ status: 'suppressed' });
      expect((await remove('back@again.example')).statusCode).toBe(204);
      expect((await sendTo(['back@again.example'])).json()).toMatchObject({ status: 'queued', recipients: [{ status: 'queued' }] });
    });
  });

  it('refuses a key without the suppressions:manage scope on every suppression endpoint with 403', async () => {
    expect((await add({ email: 'scoped@one.example' })).statusCode).toBe(201);
    const limited = await createScopedKey(api.db, project.id, ['messages:send', 'messages:read']);
    const responses = [await list('', limited), await add({ email: 'new@one.example' }, limited), await remove('scoped@one.example', limited)];
    for (const response of responses) {
      expect(response.statusCode).toBe(403);
      const { error } = response.json<ErrorBody>();
      expect(error.code).toBe('insufficient_scope');
      expect(error.message).toContain('suppressions:manage');
    }
    expect(await stored(project.id, 'new@one.example')).toBeNull();
    expect(await stored(project.id, 'scoped@one.example')).not.toBeNull();
  });
});
