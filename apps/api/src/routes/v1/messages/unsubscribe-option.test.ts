import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

describe('the unsubscribe option of a send, and the domain default it falls back on', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  let domainId: string;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'unsub-option');
    other = await seedProject(api.db, 'unsub-other');
    domainId = (await api.db.domain.findFirstOrThrow({ where: { projectId: project.id } })).id;
  });
  afterAll(() => api.close());

  const base = () => ({ from: `news@${project.domain}`, to: 'ann@example.org', subject: 'Unsubscribe', text: 'body' });
  const send = (payload: object) => api.app.inject({ method: 'POST', url: '/v1/messages', headers: project.auth, payload });
  const shown = async (id: string) => (await api.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: project.auth })).json<{ unsubscribe: boolean }>();
  const stored = async (id: string) => (await api.db.message.findUniqueOrThrow({ where: { id } })).unsubscribe;
  const patchDomain = (id: string, payload: object, auth = project.auth) => api.app.inject({ method: 'PATCH', url: `/v1/domains/${id}`, headers: auth, payload });

  it('stores unsubscribe: true and false as sent, and shows it on the message', async () => {
    for (const value of [true, false]) {
      const response = await send({ ...base(), unsubscribe: value });
      expect(response.statusCode, response.body).toBe(202);
      const { id } = response.json<{ id: string }>();
      expect(await stored(id)).toBe(value);
      expect(await shown(id)).toMatchObject({ unsubscribe: value });
    }
  });

  it("takes the sending domain's unsubscribe_default when the send says nothing, set with PATCH and shown by GET", async () => {
    const off = await send(base());
    expect(await stored(off.json<{ id: string }>().id)).toBe(false);

    const patched = await patchDomain(domainId, { unsubscribe_default: true });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ id: domainId, unsubscribe_default: true });
    const got = await api.app.inject({ method: 'GET', url: `/v1/domains/${domainId}`, headers: project.auth });
    expect(got.json()).toMatchObject({ unsubscribe_default: true });

    const on = await send(base());
    expect(await stored(on.json<{ id: string }>().id)).toBe(true);
    const refused = await send({ ...base(), unsubscribe: false });
    expect(await stored(refused.json<{ id: string }>().id)).toBe(false);
    // a message with its own List-Unsubscribe keeps it: the default adds no second one
    const own = await send({ ...base(), headers: { 'List-Unsubscribe': '<mailto:leave@example.com>' } });
    expect(own.statusCode).toBe(202);
    expect(await stored(own.json<{ id: string }>().id)).toBe(false);

    expect((await patchDomain(domainId, { unsubscribe_default: false })).json()).toMatchObject({ unsubscribe_default: false });
    expect(await stored((await send(base())).json<{ id: string }>().id)).toBe(false);
  });

  it('applies to each message of a batch on its own', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages/batch',
      headers: project.auth,
      payload: { messages: [{ ...base(), unsubscribe: true }, base(), { ...base(), unsubscribe: false }] },
    });
    expect(response.statusCode, response.body).toBe(202);
    const ids = response.json<{ data: { id: string }[] }>().data.map((m) => m.id);
    expect(await Promise.all(ids.map(stored))).toEqual([true, false, false]);
  });

  describe('refuses with 400 naming the field, storing nothing', () => {
    const cases: [string, () => { url: string; payload: object }, string][] = [
      ['a string', () => ({ url: '/v1/messages', payload: { ...base(), unsubscribe: 'true' } }), 'unsubscribe'],
      ['a number', () => ({ url: '/v1/messages', payload: { ...base(), unsubscribe: 1 } }), 'unsubscribe'],
      ['null', () => ({ url: '/v1/messages', payload: { ...base(), unsubscribe: null } }), 'unsubscribe'],
      ['a bad value in one batch item', () => ({ url: '/v1/messages/batch', payload: { messages: [base(), { ...base(), unsubscribe: 'yes' }] } }), 'messages.1.unsubscribe'],
      [
        'unsubscribe: true beside its own List-Unsubscribe header',
        () => ({ url: '/v1/messages', payload: { ...base(), unsubscribe: true, headers: { 'list-unsubscribe': '<https://example.com/u>' } } }),
        'unsubscribe',
      ],
      [
        'the same in a batch item',
        () => ({ url: '/v1/messages/batch', payload: { messages: [base(), { ...base(), unsubscribe: true, headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } }] } }),
        'messages.1.unsubscribe',
      ],
    ];
    for (const [what, request, field] of cases) {
      it(`refuses ${what}`, async () => {
        const before = await countProjectRows(api.db, project.id);
        const { url, payload } = request();
        const response = await api.app.inject({ method: 'POST', url, headers: project.auth, payload });
        expect(response.statusCode, response.body).toBe(400);
        const error = response.json<{ error: { code: string; details: { field: string }[] } }>().error;
        expect(error.code).toBe('validation_failed');
        expect(error.details.map((d) => d.field)).toContain(field);
        expect(await countProjectRows(api.db, project.id)).toEqual(before);
      });
    }
  });

  it('refuses a domain change that is not a boolean, or names an unknown field, with 400 naming it and changing nothing', async () => {
    for (const [payload, field] of [
      [{ unsubscribe_default: 'true' }, 'unsubscribe_default'],
      [{ unsubscribe_default: true, name: 'other.example' }, ''],
    ] as const) {
      const response = await patchDomain(domainId, payload);
      expect(response.statusCode, response.body).toBe(400);
      const error = response.json<{ error: { code: string; details: { field: string }[] } }>().error;
      expect(error.code).toBe('validation_failed');
      if (field) expect(error.details.map((d) => d.field)).toContain(field);
    }
    expect((await api.db.domain.findUniqueOrThrow({ where: { id: domainId } })).unsubscribeDefault).toBe(false);
  });

  it("answers 404 for another project's domain and leaves it unchanged", async () => {
    const theirs = await api.db.domain.findFirstOrThrow({ where: { projectId: other.id } });
    const response = await patchDomain(theirs.id, { unsubscribe_default: true });
    expect(response.statusCode).toBe(404);
    expect(response.json<{ error: { code: string } }>().error.code).toBe('not_found');
    expect((await api.db.domain.findUniqueOrThrow({ where: { id: theirs.id } })).unsubscribeDefault).toBe(false);
    expect((await patchDomain('dom_nope', { unsubscribe_default: true })).statusCode).toBe(404);
  });
});
