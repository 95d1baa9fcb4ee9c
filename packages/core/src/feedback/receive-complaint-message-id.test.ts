import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject } from '@herald/test/support/api-app.ts';
import { TEST_DATABASE_URL, TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { deliveredMessage } from '@herald/test/support/feedback.ts';
import { type Db } from '../db/client.ts';
import { createDb } from '../db/orm.ts';
import { createStore, type Store } from '../db/store.ts';
import { receiveNotification } from './receive-notification.ts';
import { deriveFeedbackKeys } from './token-keys.ts';

/**
 * Abuse reports that quote only the returned message's Message-ID (no signed return path, no Herald
 * id): the message is the one whose stored Message-ID it is, told apart by the recipient the report
 * names; what such an unsigned match may change is limited (docs/feedback.md).
 */
const keys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));
const redacted = readFileSync(join(import.meta.dirname, 'fixtures', 'arf-redacted.eml'), 'latin1').replace(/^(Original-Mail-From|Return-Path):.*\n/gim, '');

/** The redacted fixture about `messageId`, naming `rcptTo` as Original-Rcpt-To when given. */
function report(messageId: string, rcptTo: string[] = []): Buffer {
  const text = redacted
    .replace(/^Message-ID: <msg_[^>]+>$/m, `Message-ID: <${messageId}>`)
    .replace(/^Incidents: 1$/m, ['Incidents: 1', ...rcptTo.map((a) => `Original-Rcpt-To: ${a}`)].join('\n'));
  return Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');
}

describe('complaints traced by the stored Message-ID', () => {
  let db: Db;
  let store: Store;
  const projects: { id: string; domain: string }[] = [];

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL);
    store = createStore(db);
    for (const label of ['fbl-mid-a', 'fbl-mid-b']) projects.push(await seedProject(db, label));
  });
  afterAll(async () => db?.$disconnect());

  /** A delivered message whose Message-ID is `messageId`, as one submitted over SMTP keeps its client's (raw-submission.ts). */
  async function sentWith(messageId: string, to: string[], project = projects[0] as { id: string; domain: string }) {
    const m = await deliveredMessage(db, project, to, store);
    await db.message.update({ where: { id: m.id }, data: { messageIdHeader: messageId } });
    return m;
  }
  const newMessageId = () => `order-${randomBytes(6).toString('hex')}@shop.example`;
  const receive = (raw: Buffer) => receiveNotification({ store, verpKeys: [keys.verp] }, { raw, mailFrom: '', rcptTo: 'fbl@bounces.herald.test', address: { kind: 'complaints' } });
  const complaintsOf = (messageId: string) => db.event.findMany({ where: { messageId, type: 'complained' } });
  const suppressed = (projectId: string, email: string) => db.suppression.count({ where: { projectId, email, reason: 'complaint' } });

  it('finds a message by the Message-ID its client gave it: complained event, complaint suppression of its sole recipient', async () => {
    const messageId = newMessageId();
    const m = await sentWith(messageId, ['solo.mid@example.net']);
    const result = await receive(report(messageId));
    expect(result).toMatchObject({ kind: 'complaint', messageId: m.id, events: ['complained'] });
    expect(await complaintsOf(m.id)).toEqual([expect.objectContaining({ recipientId: m.recipient('solo.mid@example.net').id })]);
    expect(await suppressed(projects[0]?.id as string, 'solo.mid@example.net')).toBe(1);
  });

  it('of several recipients, records the complaint on the one the report names and suppresses nobody (each of them knows the Message-ID)', async () => {
    const messageId = newMessageId();
    const m = await sentWith(messageId, ['one.mid@example.net', 'two.mid@example.net']);
    expect(await receive(report(messageId, ['two.mid@example.net']))).toMatchObject({ messageId: m.id, events: ['complained'] });
    expect(await complaintsOf(m.id)).toEqual([expect.objectContaining({ recipientId: m.recipient('two.mid@example.net').id })]);
    expect(await db.suppression.count({ where: { projectId: projects[0]?.id as string, email: { in: ['one.mid@example.net', 'two.mid@example.net'] } } })).toBe(0);
  });

  it('tells two projects’ messages with the same Message-ID apart by the named recipient, and never guesses when none is named', async () => {
    const messageId = newMessageId();
    const a = await sentWith(messageId, ['ann.mid@example.net'], projects[0]);
    const b = await sentWith(messageId, ['bob.mid@example.net'], projects[1]);

    const unnamed = await receive(report(messageId));
    expect(unnamed).toMatchObject({ messageId: null, events: [] });
    expect(await db.feedbackReport.findUniqueOrThrow({ where: { id: unnamed.reportId } })).toMatchObject({ projectId: null, messageId: null, kind: 'complaint' });

    expect(await receive(report(messageId, ['bob.mid@example.net']))).toMatchObject({ messageId: b.id, events: ['complained'] });
    expect(await suppressed(projects[1]?.id as string, 'bob.mid@example.net')).toBe(1);
    expect(await complaintsOf(a.id)).toEqual([]);
    expect(await suppressed(projects[0]?.id as string, 'ann.mid@example.net')).toBe(0);
  });

  it('does not apply a report naming someone who was not a recipient of the message with that Message-ID', async () => {
    const messageId = newMessageId();
    const m = await sentWith(messageId, ['victim.mid@example.net']);
    expect(await receive(report(messageId, ['mallory.mid@example.net']))).toMatchObject({ messageId: null, events: [] });
    expect(await complaintsOf(m.id)).toEqual([]);
    expect(await suppressed(projects[0]?.id as string, 'victim.mid@example.net')).toBe(0);
  });

  it('found by Herald’s own id, a report naming a stranger is recorded on the message but suppresses its sole recipient no more', async () => {
    const m = await deliveredMessage(db, projects[0] as { id: string; domain: string }, ['kept.mid@example.net'], store);
    const raw = report(`${m.id}@${projects[0]?.domain as string}`, ['stranger.mid@example.net']);
    expect(await receive(raw)).toMatchObject({ messageId: m.id, events: ['complained'] });
    expect(await complaintsOf(m.id)).toEqual([expect.objectContaining({ recipientId: null })]);
    expect(await suppressed(projects[0]?.id as string, 'kept.mid@example.net')).toBe(0);
  });
});
