import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

interface Summary {
  id: string;
  status: string;
  tags: string[];
  recipients: { email: string; status: string }[];
}
interface ListBody {
  data: Summary[];
  next_cursor: string | null;
}
interface ErrorBody {
  error: { code: string; message: string; details: { field: string; message: string }[] };
}

describe('GET /v1/messages', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;
  /** The project's messages in creation order (oldest first). */
  const ids: string[] = [];
  let otherId: string;
  let boundary: Date;

  const list = (query: string, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'GET', url: `/v1/messages${query}`, headers });
  const listIds = async (query: string) => {
    const response = await list(query);
    expect(response.statusCode).toBe(200);
    return response.json<ListBody>().data.map((m) => m.id);
  };
  /** Ids by creation index, newest first, as the list orders them. */
  const newestFirst = (...indexes: number[]) => indexes.sort((a, b) => b - a).map((i) => ids[i]);

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'list');
    other = await seedProject(api.db, 'list-other');
    const from = `news@${project.domain}`;
    const inAnHour = new Date(Date.now() + 3_600_000).toISOString();
    const payloads = [
      { to: 'ann@one.example', tags: ['welcome'], text: 'SECRET-BODY-0' },
      { to: 'Bob@Two.Example', tags: ['receipt'], text: 'SECRET-BODY-1' },
      { to: 'ann@one.example', tags: ['receipt'], text: 'SECRET-BODY-2', send_at: inAnHour },
      { to: 'carol@one.example', tags: ['welcome', 'receipt'], text: 'SECRET-BODY-3' },
      { to: 'ann@one.example', cc: 'bob@two.example', text: 'SECRET-BODY-4' },
    ];
    for (const payload of payloads) {
      const response = await api.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: project.auth,
        payload: { from, subject: 'List me', ...payload },
      });
      expect(response.statusCode).toBe(202);
      ids.push(response.json<{ id: string }>().id);
      await sleep(3); // distinct created_at values, so the date filters have a boundary to test
    }
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: other.auth,
      payload: { from: `news@${other.domain}`, to: 'ann@one.example', tags: ['welcome'], subject: 'Not yours', text: 'other' },
    });
    otherId = response.json<{ id: string }>().id;
    boundary = (await api.db.message.findUniqueOrThrow({ where: { id: ids[2] as string } })).createdAt;
  });
  afterAll(() => api.close());

  it('lists the project’s messages newest first, each with its recipients and their statuses', async () => {
    const response = await list('');
    expect(response.statusCode).toBe(200);
    const body = response.json<ListBody>();
    expect(body.data.map((m) => m.id)).toEqual(newestFirst(0, 1, 2, 3, 4));
    expect(body.next_cursor).toBeNull();
    expect(body.data[0]).toMatchObject({
      id: ids[4],
      status: 'queued',
      recipients: [
        { email: 'ann@one.example', status: 'queued' },
        { email: 'bob@two.example', status: 'queued' },
      ],
    });
    expect(body.data.find((m) => m.id === ids[2])).toMatchObject({ status: 'scheduled', tags: ['receipt'] });
  });

  it('walks every message exactly once with limit 2, and the last page has next_cursor null', async () => {
    const seen: string[] = [];
    const pageSizes: number[] = [];
    let cursor: string | null = null;
    for (let pageNumber = 0; pageNumber < 10; pageNumber++) {
      const response = await list(`?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.statusCode).toBe(200);
      const body = response.json<ListBody>();
      seen.push(...body.data.map((m) => m.id));
      pageSizes.push(body.data.length);
      cursor = body.next_cursor;
      if (!cursor) break;
    }
    expect(pageSizes).toEqual([2, 2, 1]);
    expect(seen).toEqual(newestFirst(0, 1, 2, 3, 4));
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('paginates a filtered list without losing or repeating a message', async () => {
    const first = (await list('?tag=receipt&limit=2')).json<ListBody>();
    expect(first.next_cursor).not.toBeNull();
    const second = (await list(`?tag=receipt&limit=2&cursor=${encodeURIComponent(first.next_cursor as string)}`)).json<ListBody>();
    expect(second.next_cursor).toBeNull();
    expect([...first.data, ...second.data].map((m) => m.id)).toEqual(newestFirst(1, 2, 3));
  });

  it('refuses a limit over 100 with 400 naming query.limit', async () => {
    const response = await list('?limit=101');
    expect(response.statusCode).toBe(400);
    const { error } = response.json<ErrorBody>();
    expect(error.code).toBe('validation_failed');
    expect(error.details.map((d) => d.field)).toEqual(['query.limit']);
  });

  it('refuses a cursor it did not issue with 400 naming query.cursor', async () => {
    for (const cursor of ['garbage', Buffer.from('yesterday|msg_x').toString('base64url'), Buffer.from('2025-01-01T00:00:00.000Z').toString('base64url')]) {
      const response = await list(`?cursor=${cursor}`);
      expect(response.statusCode).toBe(400);
      const { error } = response.json<ErrorBody>();
      expect(error.code).toBe('validation_failed');
      expect(error.details.map((d) => d.field)).toEqual(['query.cursor']);
    }
  });

  it('refuses an unknown status or query parameter with 400 naming it', async () => {
    const badStatus = await list('?status=lost');
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json<ErrorBody>().error.details.map((d) => d.field)).toEqual(['query.status']);
    const unknown = await list('?colour=blue');
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json<ErrorBody>().error.message).toContain('colour');
  });

  it('filters by status', async () => {
    expect(await listIds('?status=scheduled')).toEqual([ids[2]]);
    expect(await listIds('?status=queued')).toEqual(newestFirst(0, 1, 3, 4));
    expect(await listIds('?status=delivered')).toEqual([]);
  });

  it('filters by tag', async () => {
    expect(await listIds('?tag=receipt')).toEqual(newestFirst(1, 2, 3));
    expect(await listIds('?tag=welcome')).toEqual(newestFirst(0, 3));
    expect(await listIds('?tag=nothing')).toEqual([]);
  });

  it('filters by recipient whatever the case of the address, including cc recipients', async () => {
    expect(await listIds('?recipient=ANN@One.Example')).toEqual(newestFirst(0, 2, 4));
    expect(await listIds(`?recipient=${encodeURIComponent('bob@TWO.example')}`)).toEqual(newestFirst(1, 4));
    expect(await listIds('?recipient=nobody@one.example')).toEqual([]);
  });

  it('reads _ and % in an address as themselves, never as wildcards', async () => {
    expect(await listIds('?recipient=a_n@one.example')).toEqual([]);
    expect(await listIds(`?recipient=${encodeURIComponent('an%@one.example')}`)).toEqual([]);
    expect(await listIds(`?recipient=${encodeURIComponent('%@one.example')}`)).toEqual([]);
  });

  it('filters by creation time: created_after is inclusive, created_before exclusive', async () => {
    const at = encodeURIComponent(boundary.toISOString());
    expect(await listIds(`?created_after=${at}`)).toEqual(newestFirst(2, 3, 4));
    expect(await listIds(`?created_before=${at}`)).toEqual(newestFirst(0, 1));
    const end = (await api.db.message.findUniqueOrThrow({ where: { id: ids[3] as string } })).createdAt.toISOString();
    expect(await listIds(`?created_after=${at}&created_before=${encodeURIComponent(end)}`)).toEqual([ids[2]]);
  });

  it('combines filters with AND', async () => {
    expect(await listIds('?tag=receipt&recipient=ann@one.example')).toEqual([ids[2]]);
    expect(await listIds('?tag=receipt&recipient=ann@one.example&status=queued')).toEqual([]);
    expect(await listIds('?tag=welcome&status=queued&recipient=carol@one.example')).toEqual([ids[3]]);
  });

  it('never shows another project’s messages, whatever the filter', async () => {
    for (const query of ['', '?tag=welcome', '?recipient=ann@one.example', '?status=queued', '?limit=100']) {
      const found = await listIds(query);
      expect(found).not.toContain(otherId);
    }
    expect(await listIds('?recipient=ann@one.example')).toHaveLength(3);
    const theirs = await list('', other.auth);
    expect(theirs.json<ListBody>().data.map((m) => m.id)).toEqual([otherId]);
  });

  it('never includes the raw content of a message', async () => {
    const response = await list('?limit=100');
    expect(response.body).not.toContain('SECRET-BODY');
    for (const message of response.json<{ data: Record<string, unknown>[] }>().data) {
      expect(Object.keys(message).sort()).toEqual(['created_at', 'from', 'id', 'metadata', 'recipients', 'send_at', 'status', 'subject', 'tags', 'unsubscribe']);
    }
  });

  it('refuses a key without the messages:read scope with 403 insufficient_scope', async () => {
    const sendOnly = await createScopedKey(api.db, project.id, ['messages:send']);
    const response = await list('', sendOnly);
    expect(response.statusCode).toBe(403);
    const { error } = response.json<ErrorBody>();
    expect(error.code).toBe('insufficient_scope');
    expect(error.message).toContain('messages:read');
    expect(error.details).toEqual([{ field: 'scope', message: 'missing messages:read' }]);
  });

  it('answers 401 without a key', async () => {
    const response = await api.app.inject({ method: 'GET', url: '/v1/messages' });
    expect(response.statusCode).toBe(401);
  });
});
