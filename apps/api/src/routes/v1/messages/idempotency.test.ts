import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

describe('Idempotency-Key', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'idem');
    other = await seedProject(api.db, 'idem-other');
  });
  afterAll(() => api.close());

  const send = (key: string, payload: object, who: TestProject = project) =>
    api.app.inject({ method: 'POST', url: '/v1/messages', headers: { ...who.auth, 'idempotency-key': key }, payload });
  const body = (who: TestProject = project) => ({ from: `a@${who.domain}`, to: ['x@example.org', 'y@example.net'], subject: 'once', text: 'only once' });

  it('answers a repeated request with the first message and sends nothing more', async () => {
    const first = await send('order-1001', body());
    expect(first.statusCode).toBe(202);
    const jobs = api.jobs.length;
    const rows = await countProjectRows(api.db, project.id);

    // the same JSON with its keys in another order is the same request
    const { text, subject, to, from } = body();
    const again = await send('order-1001', { text, subject, to, from });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
    expect(again.json()).toEqual(first.json());
    expect(api.jobs.length).toBe(jobs);
    expect(await countProjectRows(api.db, project.id)).toEqual(rows);
  });

  it('answers 409 idempotency_conflict when the key comes back with a different request', async () => {
    await send('order-1002', body());
    const rows = await countProjectRows(api.db, project.id);
    const response = await send('order-1002', { ...body(), subject: 'something else' });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({ error: { code: 'idempotency_conflict', details: [{ field: 'headers.idempotency-key' }] } });
    expect(await countProjectRows(api.db, project.id)).toEqual(rows);
  });

  it('gives one message to concurrent requests with the same key', async () => {
    const responses = await Promise.all(Array.from({ length: 8 }, () => send('order-1003', body())));
    expect(responses.map((r) => r.statusCode)).toEqual(Array(8).fill(202));
    expect(new Set(responses.map((r) => r.json<{ id: string }>().id)).size).toBe(1);
    expect(await api.db.message.count({ where: { projectId: project.id, idempotencyKey: 'order-1003' } })).toBe(1);
  });

  it('stores the key with the message in Postgres', async () => {
    const response = await send('order-1004', body());
    const message = await api.db.message.findUniqueOrThrow({ where: { id: response.json<{ id: string }>().id } });
    expect(message.idempotencyKey).toBe('order-1004');
    expect(message.idempotencyHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("keeps keys per project: another project's identical key is a new message", async () => {
    const mine = await send('shared-key', body());
    const theirs = await send('shared-key', body(other), other);
    expect(theirs.statusCode).toBe(202);
    expect(theirs.json<{ id: string }>().id).not.toBe(mine.json<{ id: string }>().id);
  });

  it('refuses a key over 256 characters, naming the header', async () => {
    const response = await send('k'.repeat(257), body());
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'headers.idempotency-key' }] } });
  });
});
