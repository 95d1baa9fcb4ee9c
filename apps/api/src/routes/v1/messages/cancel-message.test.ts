import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cancelScheduledMessage, newId, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

interface Accepted {
  id: string;
  status: string;
  recipients: { email: string; status: string }[];
}

const HOUR = 3_600_000;

describe('scheduled messages and POST /v1/messages/{id}/cancel', () => {
  let api: TestApi;
  /** A second connection pool, standing in for a worker process. */
  let workerDb: Db;
  let project: TestProject;
  let other: TestProject;

  const schedule = async (payload: Record<string, unknown> = {}, sendAt = new Date(Date.now() + HOUR)) => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `later@${project.domain}`, to: ['ann@one.example', 'bob@two.example'], subject: 'Later', text: 'hi', send_at: sendAt.toISOString(), ...payload },
    });
    expect(response.statusCode).toBe(202);
    return response.json<Accepted>();
  };
  const cancel = (id: string, headers: Record<string, string> = project.auth) =>
    api.app.inject({ method: 'POST', url: `/v1/messages/${id}/cancel`, headers });
  const eventTypes = async (messageId: string) =>
    (await api.db.event.findMany({ where: { messageId } })).map((e) => `${e.type} ${e.email}`).sort();

  beforeAll(async () => {
    api = await buildTestApi();
    workerDb = createDb(TEST_DATABASE_URL, { poolSize: 4 });
    project = await seedProject(api.db, 'cancel');
    other = await seedProject(api.db, 'cancel-other');
  });
  afterAll(async () => {
    await workerDb.$disconnect();
    await api.close();
  });

  it('accepts a message with send_at in the future as scheduled, with scheduled events and jobs delayed until send_at', async () => {
    const sendAt = new Date(Date.now() + HOUR);
    const before = api.jobs.length;
    const accepted = await schedule({}, sendAt);
    expect(accepted).toEqual({
      id: accepted.id,
      status: 'scheduled',
      recipients: [
        { email: 'ann@one.example', status: 'queued' },
        { email: 'bob@two.example', status: 'queued' },
      ],
    });
    const message = await api.db.message.findUniqueOrThrow({ where: { id: accepted.id } });
    expect(message.status).toBe('scheduled');
    expect(message.sendAt?.toISOString()).toBe(sendAt.toISOString());
    expect(await eventTypes(accepted.id)).toEqual(['scheduled ann@one.example', 'scheduled bob@two.example']);

    const jobs = api.jobs.slice(before);
    expect(jobs.map((j) => j.data)).toEqual([
      { messageId: accepted.id, domain: 'one.example' },
      { messageId: accepted.id, domain: 'two.example' },
    ]);
    for (const job of jobs) {
      expect(job.delayMs).toBeLessThanOrEqual(HOUR);
      expect(job.delayMs).toBeGreaterThan(HOUR - 5_000);
    }
  });

  it('treats a send_at in the past as "now": queued, with no delay', async () => {
    const before = api.jobs.length;
    const accepted = await schedule({}, new Date(Date.now() - 60_000));
    expect(accepted.status).toBe('queued');
    expect(api.jobs.slice(before).map((j) => j.delayMs)).toEqual([0, 0]);
    const message = await api.db.message.findUniqueOrThrow({ where: { id: accepted.id } });
    expect(message.sendAt).toBeNull();
    expect(await cancel(accepted.id).then((r) => r.statusCode)).toBe(409);
  });

  it('cancels a scheduled message: 200 cancelled, every recipient cancelled, one cancelled event per recipient', async () => {
    const { id } = await schedule();
    const response = await cancel(id);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      id,
      status: 'cancelled',
      recipients: [
        { email: 'ann@one.example', status: 'cancelled' },
        { email: 'bob@two.example', status: 'cancelled' },
      ],
    });
    const message = await api.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true } });
    expect(message.status).toBe('cancelled');
    for (const recipient of message.recipients) {
      expect(recipient.status).toBe('cancelled');
      expect(recipient.finalAt).not.toBeNull();
    }
    expect(await eventTypes(id)).toEqual([
      'cancelled ann@one.example',
      'cancelled bob@two.example',
      'scheduled ann@one.example',
      'scheduled bob@two.example',
    ]);
    const shown = await api.app.inject({ method: 'GET', url: `/v1/messages/${id}`, headers: project.auth });
    expect(shown.json()).toMatchObject({ status: 'cancelled', recipients: [{ status: 'cancelled' }, { status: 'cancelled' }] });
  });

  it('leaves a suppressed recipient suppressed when the rest of the message is cancelled', async () => {
    await api.db.suppression.create({ data: { id: newId('suppression'), projectId: project.id, email: 'bob@two.example', reason: 'manual' } });
    try {
      const { id } = await schedule();
      const response = await cancel(id);
      expect(response.statusCode).toBe(200);
      expect(response.json<Accepted>().recipients).toEqual([
        { email: 'ann@one.example', status: 'cancelled' },
        { email: 'bob@two.example', status: 'suppressed' },
      ]);
      expect(await eventTypes(id)).toEqual(['cancelled ann@one.example', 'scheduled ann@one.example', 'suppressed bob@two.example']);
    } finally {
      await api.db.suppression.deleteMany({ where: { projectId: project.id } });
    }
  });

  it('answers 409 conflict when the message is cancelled again, adding no event', async () => {
    const { id } = await schedule();
    expect((await cancel(id)).statusCode).toBe(200);
    const events = await eventTypes(id);
    const again = await cancel(id);
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ error: { code: 'conflict' } });
    expect(await eventTypes(id)).toEqual(events);
  });

  it('answers 409 conflict for a message sent without send_at, and leaves it queued', async () => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `now@${project.domain}`, to: 'ann@one.example', subject: 'Now', text: 'hi' },
    });
    const { id } = response.json<Accepted>();
    const refused = await cancel(id);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({ error: { code: 'conflict', details: { status: 'queued' } } });
    expect(refused.json<{ error: { message: string } }>().error.message).toContain('it is queued, not scheduled');
    const message = await api.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true } });
    expect(message.status).toBe('queued');
    expect(message.recipients.map((r) => r.status)).toEqual(['queued']);
    expect(await eventTypes(id)).toEqual(['queued ann@one.example']);
  });

  it('accepts a cancel sent with Content-Type: application/json and an empty body', async () => {
    const { id } = await schedule();
    const response = await api.app.inject({
      method: 'POST',
      url: `/v1/messages/${id}/cancel`,
      headers: { ...project.auth, 'content-type': 'application/json' },
      payload: '',
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ id, status: 'cancelled' });
  });

  it("answers 404 to another project's id and leaves that message scheduled", async () => {
    const { id } = await schedule();
    const response = await cancel(id, other.auth);
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    expect((await api.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('scheduled');
    expect((await cancel('msg_00000000000000000000000000')).statusCode).toBe(404);
  });

  it('refuses a read-only key with 403 naming messages:send', async () => {
    const { id } = await schedule();
    const readOnly = await createScopedKey(api.db, project.id, ['messages:read']);
    const response = await cancel(id, readOnly);
    expect(response.statusCode).toBe(403);
    expect(response.json()).toMatchObject({ error: { code: 'insufficient_scope', details: [{ field: 'scope', message: 'missing messages:send' }] } });
    expect((await api.db.message.findUniqueOrThrow({ where: { id } })).status).toBe('scheduled');
  });

  it('lets exactly one of cancel and the worker’s release win when they race, every time', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push((await schedule()).id);

    const winners = { cancel: 0, worker: 0 };
    for (const [i, id] of ids.entries()) {
      const cancelling = () => cancelScheduledMessage(api.db, project.id, id);
      // what the worker's release step does: scheduled → queued, only if nothing moved it yet
      const releasing = () => workerDb.message.updateMany({ where: { id, status: 'scheduled' }, data: { status: 'queued' } });
      const [cancelled, released] =
        i % 2 === 0
          ? await Promise.all([cancelling(), releasing()])
          : await Promise.all([releasing(), cancelling()]).then(([r, c]) => [c, r] as const);

      const cancelWon = cancelled.outcome === 'cancelled';
      const workerWon = released.count === 1;
      expect({ id, cancelWon, workerWon }).toEqual({ id, cancelWon: !workerWon, workerWon: !cancelWon });
      if (!cancelWon) expect(cancelled).toEqual({ outcome: 'not_scheduled', status: 'queued' });

      const message = await api.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: true, events: true } });
      const cancelledEvents = message.events.filter((e) => e.type === 'cancelled').length;
      if (cancelWon) {
        winners.cancel++;
        expect(message.status).toBe('cancelled');
        expect(message.recipients.map((r) => r.status)).toEqual(['cancelled', 'cancelled']);
        expect(cancelledEvents).toBe(2);
      } else {
        winners.worker++;
        expect(message.status).toBe('queued');
        expect(message.recipients.map((r) => r.status)).toEqual(['queued', 'queued']);
        expect(cancelledEvents).toBe(0);
      }
    }
    expect(winners.cancel + winners.worker).toBe(20);
  });
});
