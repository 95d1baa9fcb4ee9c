import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookEndpoint, newId, timePartOf } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '../support/api-app.ts';
import { TEST_MASTER_KEY } from '../support/env.ts';

/**
 * An event's id carries its message's time and a webhook delivery's its event's (ids.ts), so ids no
 * longer sort by when their rows were written: every list of them reads in created_at order, the id
 * only breaking ties, and its cursors stay stable. Here the ids are made to sort against time.
 */
describe('lists whose ids are out of time order', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'id-order');
  });
  afterAll(async () => api?.close());

  const call = (url: string) => api.app.inject({ method: 'GET', url, headers: project.auth });
  /** An id in `parent`'s time whose suffix sorts before every id made with a smaller `rank`. */
  const descendingId = (prefix: string, parent: string, rank: number) => `${prefix}_${timePartOf(parent)}${'Z'.repeat(14)}${(99 - rank).toString().padStart(2, '0')}`;

  it('gives a message’s events oldest first', async () => {
    const sent = await api.app.inject({ method: 'POST', url: '/v1/messages', headers: project.auth, payload: { from: `x@${project.domain}`, to: 'ann@example.org', subject: 's', text: 't' } });
    const messageId = sent.json<{ id: string }>().id;
    const queuedAt = (await api.db.event.findFirstOrThrow({ where: { messageId } })).createdAt.getTime();
    const later = ['deferred', 'deferred', 'delivered', 'complained'] as const;
    await api.db.event.createMany({
      data: later.map((type, i) => ({
        // the later the event, the smaller its id, and all below the queued event's
        id: `evt_${timePartOf(messageId)}${'0'.repeat(14)}${(90 - i).toString().padStart(2, '0')}`,
        projectId: project.id, messageId, type, email: 'ann@example.org', createdAt: new Date(queuedAt + 1_000 * (i + 1)),
      })),
    });
    const listed = (await call(`/v1/messages/${messageId}/events`)).json<{ data: { type: string }[] }>();
    expect(listed.data.map((e) => e.type)).toEqual(['queued', ...later]);
    const detail = (await call(`/v1/messages/${messageId}`)).json<{ events: { type: string }[] }>();
    expect(detail.events.map((e) => e.type)).toEqual(['queued', ...later]);
  });

  it('pages a webhook endpoint’s deliveries newest first by time, with cursors, whatever their ids', async () => {
    const { endpoint } = await createWebhookEndpoint(api.db, Buffer.from(TEST_MASTER_KEY, 'base64'), project.id, {
      url: 'https://hooks.example/herald', events: ['message.delivered'], enabled: true, description: null,
    });
    const message = newId('message');
    const start = Date.now() - 60_000;
    // seven deliveries a second apart (two at the same instant); ids sort against their times
    const times = [0, 1, 2, 3, 3, 4, 5].map((s) => new Date(start + s * 1_000));
    const rows = times.map((createdAt, rank) => ({
      id: descendingId('whd', message, rank), endpointId: endpoint.id, projectId: project.id, eventId: descendingId('evt', message, rank),
      eventType: 'message.delivered', payload: {}, status: 'succeeded' as const, createdAt,
    }));
    await api.db.webhookDelivery.createMany({ data: rows });
    const expected = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1)).map((r) => r.id);
    expect(expected).not.toEqual([...expected].sort().reverse());

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await call(`/v1/webhooks/${endpoint.id}/deliveries?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      expect(response.statusCode).toBe(200);
      const page = response.json<{ data: { id: string; created_at: string }[]; next_cursor: string | null }>();
      seen.push(...page.data.map((d) => d.id));
      cursor = page.next_cursor;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(expected);
    expect(pages).toBe(4);
  });
});
