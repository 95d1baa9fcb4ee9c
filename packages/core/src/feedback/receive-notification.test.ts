import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject } from '@herald/test/support/api-app.ts';
import { TEST_DATABASE_URL, TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { deliveredMessage } from '@herald/test/support/feedback.ts';
import { type Db } from '../db/client.ts';
import { createDb } from '../db/orm.ts';
import { createStore, type Store } from '../db/store.ts';
import { receiveNotification, type InboundRecipient } from './receive-notification.ts';
import type { TokenSubject } from './signed-token.ts';
import { deriveFeedbackKeys } from './token-keys.ts';
import { unsubscribeMailbox, unsubscribeToken } from './unsubscribe-token.ts';
import { verpAddress } from './verp-address.ts';

/**
 * The inbound MX's use case against Postgres, with the fixture corpus: each kind of notification
 * changes exactly what it should (status, events, suppressions, the stored report) and nothing else.
 */
const keys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));
const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixture = (name: string) => readFileSync(join(FIXTURES, name), 'latin1');
/** Every signed return path in the fixtures is replaced by `returnPath` (the fixtures name ids of no database). */
const withReturnPath = (text: string, returnPath: string) => text.replace(/bounces\+[0-9a-z]{44}@bounces\.herald\.test/g, returnPath);
const crlf = (text: string) => Buffer.from(text.replace(/\r?\n/g, '\r\n'), 'latin1');

describe('receiveNotification', () => {
  let db: Db;
  let store: Store;
  let projectId: string;
  let domain: string;

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL);
    store = createStore(db);
    const project = await seedProject(db, 'inbound-core');
    projectId = project.id;
    domain = project.domain;
  });
  afterAll(async () => db?.$disconnect());

  const sent = (to: string[]) => deliveredMessage(db, { id: projectId, domain }, to, store);

  const bounceAddress = (subject: TokenSubject): InboundRecipient => ({ kind: 'bounce', subject });
  const receive = (raw: Buffer, address: InboundRecipient, rcptTo = 'rcpt@bounces.herald.test') =>
    receiveNotification({ store, verpKeys: [keys.verp] }, { raw, mailFrom: '', rcptTo, address });
  const eventsOf = (messageId: string) => db.event.findMany({ where: { messageId, type: { notIn: ['queued'] } }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const suppressionsOf = (email: string) => db.suppression.findMany({ where: { projectId, email } });

  it('turns a delivered recipient bounced on a Postfix DSN (async), with the DSN fields, the hard_bounce suppression and the raw report kept', async () => {
    const m = await sent(['alice@example.org']);
    const alice = m.recipient('alice@example.org');
    const raw = crlf(fixture('postfix-failed.eml'));
    const result = await receive(raw, bounceAddress({ kind: 'recipient', id: alice.id }));

    expect(result).toMatchObject({ kind: 'dsn', messageId: m.id, events: ['bounced'] });
    expect(await db.recipient.findUniqueOrThrow({ where: { id: alice.id } })).toMatchObject({ status: 'bounced', lastEnhanced: '5.1.1', lastCode: 550 });
    expect((await db.message.findUniqueOrThrow({ where: { id: m.id } })).status).toBe('bounced');
    const [event] = await eventsOf(m.id);
    expect(event).toMatchObject({ type: 'bounced', recipientId: alice.id, category: 'bad-mailbox', enhancedCode: '5.1.1', smtpCode: 550 });
    expect(event?.data).toMatchObject({ async: true, report_id: result.reportId, dsn: { action: 'failed', status: '5.1.1' } });
    expect((event?.data as { dsn: { remote_mta?: string } }).dsn.remote_mta).toBeTruthy();
    expect((event?.data as { dsn: { diagnostic_code: string } }).dsn.diagnostic_code).toMatch(/^550 5\.1\.1/);
    expect(await suppressionsOf('alice@example.org')).toEqual([expect.objectContaining({ reason: 'hard_bounce', sourceMessageId: m.id })]);
    const report = await db.feedbackReport.findUniqueOrThrow({ where: { id: result.reportId } });
    expect(report).toMatchObject({ projectId, messageId: m.id, kind: 'dsn', size: raw.length, mailFrom: '', rcptTo: 'rcpt@bounces.herald.test' });
    expect(Buffer.from(report.raw as Uint8Array).equals(raw)).toBe(true);

    // the same DSN again (its sender missed the 250): a second report, but no second bounce or suppression
    const again = await receive(raw, bounceAddress({ kind: 'recipient', id: alice.id }));
    expect(again.events).toEqual(['bounced']);
    expect((await eventsOf(m.id)).filter((e) => e.type === 'bounced')).toHaveLength(1);
    expect(await suppressionsOf('alice@example.org')).toHaveLength(1);
  });

  it('records a delayed DSN as a delayed event and leaves the status alone', async () => {
    await db.suppression.deleteMany({ where: { projectId, email: 'alice@example.org' } }); // the first test's
    const m = await sent(['alice@example.org']);
    const alice = m.recipient('alice@example.org');
    const result = await receive(crlf(fixture('postfix-delayed.eml')), bounceAddress({ kind: 'recipient', id: alice.id }));
    expect(result.events).toEqual(['delayed']);
    expect((await db.recipient.findUniqueOrThrow({ where: { id: alice.id } })).status).toBe('delivered');
    const [event] = await eventsOf(m.id);
    expect(event).toMatchObject({ type: 'delayed', enhancedCode: '4.4.1', category: null });
    expect(event?.data).toMatchObject({ async: true, dsn: { action: 'delayed', status: '4.4.1' } });
  });

  it('reads a DSN about a message with several recipients per recipient: a soft bounce unsuppressed, a delivered one untouched, a stranger ignored', async () => {
    const m = await sent(['hank@example.org', 'ivy@example.org', 'jo@example.org']);
    await receive(crlf(fixture('dsn-two-recipients.eml')), bounceAddress({ kind: 'message', id: m.id }));
    const after = await db.recipient.findMany({ where: { messageId: m.id }, orderBy: { email: 'asc' } });
    expect(after.map((r) => [r.email, r.status])).toEqual([['hank@example.org', 'bounced'], ['ivy@example.org', 'delivered'], ['jo@example.org', 'delivered']]);
    expect((await eventsOf(m.id)).map((e) => [e.type, e.email, e.category])).toEqual([['bounced', 'hank@example.org', 'mailbox-full']]);
    expect(await suppressionsOf('hank@example.org')).toEqual([]);
    expect((await db.message.findUniqueOrThrow({ where: { id: m.id } })).status).toBe('partially_delivered');
  });

  it('records a bounce for an address the mail was forwarded to, but suppresses nothing', async () => {
    const m = await sent(['forwarder@example.org']);
    const r = m.recipient('forwarder@example.org');
    await receive(crlf(fixture('postfix-failed.eml')), bounceAddress({ kind: 'recipient', id: r.id }));
    expect((await db.recipient.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('bounced');
    expect(await suppressionsOf('forwarder@example.org')).toEqual([]);
  });

  it('classifies a qmail text bounce with the rule table and bounces the recipient', async () => {
    const m = await sent(['lee@example.com']);
    const lee = m.recipient('lee@example.com');
    const result = await receive(crlf(fixture('qmail-text.eml')), bounceAddress({ kind: 'recipient', id: lee.id }));
    expect(result).toMatchObject({ kind: 'text_bounce', events: ['bounced'] });
    const [event] = await eventsOf(m.id);
    expect(event).toMatchObject({ type: 'bounced', category: 'bad-mailbox', smtpCode: 550, enhancedCode: '5.1.1' });
    expect(event?.data).toMatchObject({ async: true, dsn: { action: 'failed', format: 'qmail' } });
    expect(await suppressionsOf('lee@example.com')).toHaveLength(1);
  });

  it('keeps a text bounce that says nothing the rules know as unrecognized_bounce, with the reason, the status unchanged', async () => {
    const m = await sent(['vague@example.com']);
    const r = m.recipient('vague@example.com');
    const notice = ['From: MAILER-DAEMON@mx.example.com', 'To: x@bounces.herald.test', 'Subject: Undeliverable: Receipt', '', 'Delivery has failed to these recipients:', '', '  vague@example.com', '', 'Sorry.', ''].join('\r\n');
    const result = await receive(Buffer.from(notice), bounceAddress({ kind: 'recipient', id: r.id }));
    expect(result.events).toEqual(['unrecognized_bounce']);
    const [event] = await eventsOf(m.id);
    expect(event).toMatchObject({ type: 'unrecognized_bounce', recipientId: r.id });
    expect((event?.data as { reason: string }).reason).toMatch(/no reply code, status or reason/);
    expect((await db.recipient.findUniqueOrThrow({ where: { id: r.id } })).status).toBe('delivered');
  });

  it('keeps a human reply at a return path as unrecognized_bounce with the reason, never dropped', async () => {
    const m = await sent(['oscar@example.net']);
    const result = await receive(crlf(fixture('human-reply.eml')), bounceAddress({ kind: 'recipient', id: m.recipient('oscar@example.net').id }));
    expect(result).toMatchObject({ kind: 'unrecognized', events: ['unrecognized_bounce'] });
    expect((await eventsOf(m.id))[0]?.data).toMatchObject({ reason: 'neither its headers nor its text say it is a delivery failure notice', report_id: result.reportId });
  });

  it('records an out-of-office reply as auto_reply without changing the status', async () => {
    const m = await sent(['grace@example.org']);
    const result = await receive(crlf(fixture('outlook-auto-reply.eml')), bounceAddress({ kind: 'message', id: m.id }));
    expect(result).toMatchObject({ kind: 'auto_reply', events: ['auto_reply'] });
    expect((await eventsOf(m.id))[0]).toMatchObject({ type: 'auto_reply', email: 'grace@example.org' });
    expect((await db.recipient.findFirstOrThrow({ where: { messageId: m.id } })).status).toBe('delivered');
  });

  describe('complaints (ARF) at the complaint mailbox', () => {
    const complaints: InboundRecipient = { kind: 'complaints' };

    it('traces an abuse report by the signed return path it quotes: complained event and complaint suppression, status unchanged', async () => {
      const m = await sent(['frank@example.net']);
      const frank = m.recipient('frank@example.net');
      const raw = crlf(withReturnPath(fixture('arf-abuse.eml'), verpAddress(keys.verp, { kind: 'recipient', id: frank.id }, 'bounces.herald.test')));
      const result = await receive(raw, complaints, 'fbl@bounces.herald.test');
      expect(result).toMatchObject({ kind: 'complaint', messageId: m.id, events: ['complained'] });
      const [event] = await eventsOf(m.id);
      expect(event).toMatchObject({ type: 'complained', recipientId: frank.id, category: 'complaint' });
      expect(event?.data).toMatchObject({ feedback_type: 'abuse', report_id: result.reportId });
      expect(await suppressionsOf('frank@example.net')).toEqual([expect.objectContaining({ reason: 'complaint' })]);
      expect((await db.recipient.findUniqueOrThrow({ where: { id: frank.id } })).status).toBe('delivered');
    });

    it('traces a redacted report by Herald’s message id when it has no return path, suppressing a sole recipient only', async () => {
      const single = await sent(['solo@example.net']);
      const many = await sent(['one@example.net', 'two@example.net']);
      const redacted = (messageId: string) =>
        crlf(fixture('arf-redacted.eml').replace(/^(Original-Mail-From|Return-Path):.*\n/gim, '').replace(/msg_01JE4X0Y2Z4A6B8C0D2E4F6G8J/g, messageId));
      expect(await receive(redacted(single.id), complaints)).toMatchObject({ messageId: single.id, events: ['complained'] });
      expect(await suppressionsOf('solo@example.net')).toHaveLength(1);

      expect(await receive(redacted(many.id), complaints)).toMatchObject({ messageId: many.id, events: ['complained'] });
      expect((await eventsOf(many.id))[0]).toMatchObject({ type: 'complained', recipientId: null });
      expect(await db.suppression.count({ where: { projectId, email: { in: ['one@example.net', 'two@example.net'] } } })).toBe(0);
    });

    it('keeps a report that names no message of Herald’s, attributed to nothing, and changes nothing', async () => {
      const raw = crlf(fixture('arf-redacted.eml').replace(/^(Original-Mail-From|Return-Path):.*\n/gim, ''));
      const result = await receive(raw, complaints);
      expect(result).toMatchObject({ kind: 'complaint', messageId: null, events: [] });
      expect(await db.feedbackReport.findUniqueOrThrow({ where: { id: result.reportId } })).toMatchObject({ projectId: null, messageId: null, kind: 'complaint' });
    });

    it('does not trust a forged return path: a token signed with another key traces nothing', async () => {
      const m = await sent(['mallory-target@example.net']);
      const forgedKey = deriveFeedbackKeys(Buffer.alloc(32, 0x17)).verp;
      const target = m.recipient('mallory-target@example.net');
      const raw = crlf(
        withReturnPath(fixture('arf-abuse.eml'), verpAddress(forgedKey, { kind: 'recipient', id: target.id }, 'bounces.herald.test')).replace(/msg_01JE2Q7RZ4M8W6X0V3T5S9N1PB/g, 'msg_01JE2Q7RZ4M8W6X0V3T5S9N1PZ'),
      );
      expect(await receive(raw, complaints)).toMatchObject({ messageId: null, events: [] });
      expect(await suppressionsOf('mallory-target@example.net')).toEqual([]);
    });
  });

  it('unsubscribes the recipient of an unsubscribe mailbox (RFC 2369 mailto), whatever the mail says, once', async () => {
    const m = await sent(['quit@example.org']);
    const r = m.recipient('quit@example.org');
    const rcptTo = unsubscribeMailbox(unsubscribeToken(keys.unsubscribe, { kind: 'recipient', id: r.id }), 'bounces.herald.test');
    const mail = Buffer.from(['From: quit@example.org', `To: ${rcptTo}`, 'Subject: unsubscribe', '', 'please', ''].join('\r\n'));
    const address: InboundRecipient = { kind: 'unsubscribe', subject: { kind: 'recipient', id: r.id } };
    const result = await receive(mail, address, rcptTo);
    expect(result).toMatchObject({ kind: 'unsubscribe', messageId: m.id, events: ['unsubscribed'] });
    await receive(mail, address, rcptTo);
    expect((await eventsOf(m.id)).map((e) => [e.type, e.data])).toEqual([['unsubscribed', { method: 'mailto', report_id: result.reportId }]]);
    expect(await suppressionsOf('quit@example.org')).toEqual([expect.objectContaining({ reason: 'unsubscribe' })]);
    expect(await db.feedbackReport.count({ where: { messageId: m.id, kind: 'unsubscribe' } })).toBe(2);
  });

  it('keeps mail for a delivery deleted since RCPT as a report of no message', async () => {
    const m = await sent(['gone@example.org']);
    const r = m.recipient('gone@example.org');
    await db.message.delete({ where: { id: m.id } });
    const result = await receive(crlf(fixture('postfix-failed.eml')), bounceAddress({ kind: 'recipient', id: r.id }));
    expect(result).toMatchObject({ messageId: null, events: [] });
  });
});
