import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createWebhookEndpoint,
  deriveFeedbackKeys,
  receiveNotification,
  recordOutcomes,
  submit,
  timePartOf,
  unsubscribeRecipient,
  WEBHOOK_EVENT_TYPES,
  type Db,
  type RecipientOutcome,
  type Store,
} from '@herald/core';
import { complaint } from '@herald/core/feedback/feedback-events';
import { TEST_MASTER_KEY } from '../support/env.ts';
import { dsnFor } from '../support/feedback.ts';
import { testIntake, testPrincipal } from '../support/intake.ts';
import { throwawayStore, type ThrowawayStore } from '../support/throwaway-store.ts';

/**
 * Once events and webhook_deliveries are partitioned by id, their unique indexes on dedupe_key and on
 * (endpoint_id, event_id) cannot exist on the new partitions: only the primary key can dedupe. Every
 * outcome written twice (a job run again after a crash, a report received twice) must still add one
 * event and one webhook delivery, on a database without those indexes as on one that has them (the
 * partition of the ids from before the upgrade keeps them).
 */
describe('an outcome recorded twice', () => {
  const masterKey = Buffer.from(TEST_MASTER_KEY, 'base64');
  let setup: ThrowawayStore;
  let db: Db;
  let store: Store;
  let projectId: string;
  let domain: string;

  beforeAll(async () => {
    setup = await throwawayStore('dedupe_pk', { poolSize: 4 });
    ({ db, store, projectId, domain } = setup);
    await setup.database.withClient(async (client) => {
      const unique = await client.query<{ indexname: string }>(
        `SELECT indexname FROM pg_indexes WHERE tablename IN ('events', 'webhook_deliveries') AND indexdef LIKE 'CREATE UNIQUE%' ORDER BY 1`,
      );
      // partitioned by id, the tables have no unique index but their primary keys to dedupe with
      expect(unique.rows.map((r) => r.indexname)).toEqual(['events_pkey', 'webhook_deliveries_pkey']);
    });
    await createWebhookEndpoint(db, masterKey, projectId, { url: 'https://hooks.example/herald', events: [...WEBHOOK_EVENT_TYPES], enabled: true, description: null });
  });
  afterAll(async () => {
    await setup?.close();
  });

  /** A message accepted through the real intake (its queued events and their webhooks), to `to`. */
  async function accepted(to: string[]) {
    const { messages } = await submit(
      testIntake(store),
      testPrincipal(projectId),
      {
        kind: 'fields', batch: false,
        messages: [{ from: { email: `app@${domain}` }, to: to.map((email) => ({ email })), cc: [], bcc: [], replyTo: [], subject: 'Hi', text: 'hello', headers: [], attachments: [], tags: ['t'], metadata: {} }],
      },
      { fieldPrefix: () => '', source: 'api' },
    );
    const id = (messages[0] as { id: string }).id;
    const recipients = await db.recipient.findMany({ where: { messageId: id }, select: { id: true, email: true, attempts: true } });
    const recipient = (email: string) => recipients.find((r) => r.email === email) as { id: string; email: string; attempts: number };
    return { id, recipient, message: { id, projectId, tags: ['t'], metadata: {} } };
  }

  const counts = async (messageId: string) => ({
    events: await db.event.count({ where: { messageId } }),
    deliveries: await db.webhookDelivery.count({ where: { projectId, payload: { path: ['data', 'message_id'], equals: messageId } } }),
  });

  const reply = (code: number, text: string) => ({ code, enhanced: null, text });
  const attempt = { mxHost: 'mx.example.org', mxIp: '127.0.0.1', tls: null, durationMs: 5 };
  const at = (offsetMs: number) => new Date(Date.now() + offsetMs);

  it('adds one event and one webhook delivery per outcome, and only ids in the message’s time', async () => {
    const m = await accepted(['ann@example.org', 'bob@example.org', 'cid@example.org', 'dee@example.org']);
    const [ann, bob, cid, dee] = ['ann@example.org', 'bob@example.org', 'cid@example.org', 'dee@example.org'].map(m.recipient) as [
      ReturnType<typeof m.recipient>, ReturnType<typeof m.recipient>, ReturnType<typeof m.recipient>, ReturnType<typeof m.recipient>,
    ];
    expect(await counts(m.id)).toEqual({ events: 4, deliveries: 4 });

    /** Runs `write` twice, the second time later (a re-run), and expects one more event and one more delivery. */
    const twice = async (write: (now: Date) => Promise<unknown>, offsetMs: number) => {
      const before = await counts(m.id);
      await write(at(offsetMs));
      await write(at(offsetMs + 1_000));
      expect(await counts(m.id)).toEqual({ events: before.events + 1, deliveries: before.deliveries + 1 });
    };
    const attemptOf = (recipient: typeof ann, outcome: RecipientOutcome) => (now: Date) =>
      recordOutcomes(store, { message: m.message, attempt, results: [{ recipient, outcome }], now });

    // a deferred attempt (the job run again after a crash: the same attempt number)
    await twice(attemptOf(ann, { kind: 'deferred', reply: reply(451, '451 try later'), category: 'throttled', retryAt: at(60_000) }), 0);
    // delivered, by the next attempt
    await twice(attemptOf({ ...ann, attempts: 1 }, { kind: 'delivered', reply: reply(250, '250 ok') }), 2_000);
    // delivered, three runs at once: the group writer writes the second and third in one transaction (one INSERT)
    const before = await counts(m.id);
    await Promise.all([0, 1, 2].map((i) => attemptOf(bob, { kind: 'delivered', reply: reply(250, '250 ok') })(at(4_000 + i))));
    expect(await counts(m.id)).toEqual({ events: before.events + 1, deliveries: before.deliveries + 1 });
    // a late bounce: the same DSN received twice
    const keys = deriveFeedbackKeys(masterKey);
    await twice(
      (now) => receiveNotification(
        { store, verpKeys: [keys.verp], now: () => now },
        { raw: Buffer.from(dsnFor('ann@example.org')), mailFrom: '', rcptTo: 'bounces@bounces.herald.test', address: { kind: 'bounce', subject: { kind: 'recipient', id: ann.id } } },
      ),
      6_000,
    );
    // a complaint about one recipient, reported twice
    const issued = { id: m.id, projectId, tags: ['t'], metadata: {}, recipients: [{ ...cid, status: 'delivered' }] };
    await twice(
      (now) => store.outcomes.write({
        message: m.message,
        ...complaint({ message: issued, reportId: `rpt_${now.getTime()}`, notificationKey: `<arf-${now.getTime()}@example.org>`, now }, { ...cid, status: 'delivered' }, { feedbackType: 'abuse' }, true),
      }),
      8_000,
    );
    // an unsubscribe click, twice
    await twice((now) => unsubscribeRecipient(store, dee.id, 'one-click', { now }), 10_000);

    const events = await db.event.findMany({ where: { messageId: m.id }, select: { id: true, type: true } });
    expect(events.map((e) => e.type).sort()).toEqual([
      'bounced', 'complained', 'deferred', 'delivered', 'delivered', 'queued', 'queued', 'queued', 'queued', 'unsubscribed',
    ]);
    const deliveries = await db.webhookDelivery.findMany({ where: { eventId: { in: events.map((e) => e.id) } }, select: { id: true } });
    expect(deliveries).toHaveLength(events.length);
    const recipients = await db.recipient.findMany({ where: { messageId: m.id }, select: { id: true } });
    // every row of the message lives in the message's partition
    for (const { id } of [...events, ...deliveries, ...recipients]) expect(timePartOf(id)).toBe(timePartOf(m.id));
  });
});
