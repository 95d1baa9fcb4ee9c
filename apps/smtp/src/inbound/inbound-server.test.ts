import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { unsubscribeMailbox, unsubscribeToken, verpAddress, type Db } from '@herald/core';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { deliveredMessage, dsnFor } from '@herald/test/support/feedback.ts';
import { feedbackKeys, startInboundListener, TEST_BOUNCE_HOST, type InboundListener } from '@herald/test/support/inbound-listener.ts';
import { RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { deriveFeedbackKeys } from '@herald/core';

/**
 * The inbound MX over real sockets: only addresses Herald issued are taken, what arrives is recorded
 * before the 250, and every refusal (strangers, forged and unknown tokens, oversize, smuggling) stores
 * nothing.
 */
describe('inbound MX', () => {
  let listener: InboundListener;
  let db: Db;
  let project: TestProject;

  beforeAll(async () => {
    listener = await startInboundListener({ maxBytes: 64 * 1024 });
    db = listener.db;
    project = await seedProject(db, 'inbound-mx');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(async () => {
    if (project) await db.project.deleteMany({ where: { id: project.id } });
    await listener?.close();
  });

  const session = async () => {
    const client = await RawSmtpClient.connect(listener.port);
    expect((await client.reply()).code).toBe(220);
    expect((await client.ehlo('mx.example.org')).code).toBe(250);
    return client;
  };
  const returnPath = (recipientId: string, domain = TEST_BOUNCE_HOST) => verpAddress(feedbackKeys.verp, { kind: 'recipient', id: recipientId }, domain);
  const reports = () => db.feedbackReport.count({ where: { OR: [{ projectId: project.id }, { projectId: null, rcptTo: { contains: TEST_BOUNCE_HOST } }] } });

  it('offers STARTTLS and SIZE, no AUTH, and every reply carries an enhanced status code', async () => {
    const client = await RawSmtpClient.connect(listener.port);
    await client.reply();
    const ehlo = await client.ehlo();
    expect(ehlo.text).toMatch(/STARTTLS/);
    expect(ehlo.text).toMatch(/SIZE 65536/);
    expect(ehlo.text).not.toMatch(/AUTH/);
    expect((await client.command('AUTH PLAIN AGFiYwBkZWY=')).text).toMatch(/^5\d\d 5\.\d\.\d+ /);
    expect((await client.startTls()).code).toBe(220);
    expect((await client.ehlo()).code).toBe(250);
  });

  it('records a DSN at a return path before answering 250: the delivered recipient bounces and is suppressed', async () => {
    const m = await deliveredMessage(db, project, ['ann@example.org']);
    const ann = m.recipient('ann@example.org');
    const client = await session();
    const { rcpt, final } = await client.transaction('', [returnPath(ann.id)], dsnFor('ann@example.org'));
    expect(rcpt[0]?.code).toBe(250);
    expect(final?.text).toMatch(/^250 2\.0\.0 Ok: received as rpt_\w+$/);
    expect(await db.recipient.findUniqueOrThrow({ where: { id: ann.id } })).toMatchObject({ status: 'bounced', lastEnhanced: '5.1.1' });
    expect(await db.suppression.findMany({ where: { projectId: project.id, email: 'ann@example.org' } })).toEqual([expect.objectContaining({ reason: 'hard_bounce' })]);
    const reportId = /(rpt_\w+)$/.exec(final?.text ?? '')?.[1];
    expect(await db.feedbackReport.findUniqueOrThrow({ where: { id: reportId } })).toMatchObject({ messageId: m.id, kind: 'dsn', mailFrom: '' });
  });

  it('takes the complaint mailbox and a signed unsubscribe mailbox of the bounce host', async () => {
    const m = await deliveredMessage(db, project, ['quit@example.org']);
    const mailbox = unsubscribeMailbox(unsubscribeToken(feedbackKeys.unsubscribe, { kind: 'recipient', id: m.recipient('quit@example.org').id }), TEST_BOUNCE_HOST);
    const client = await session();
    expect((await client.command('MAIL FROM:<quit@example.org>')).code).toBe(250);
    expect((await client.command(`RCPT TO:<fbl@${TEST_BOUNCE_HOST}>`)).code).toBe(250);
    expect((await client.command(`RCPT TO:<${mailbox}>`)).code).toBe(250);
    expect((await client.command('RSET')).code).toBe(250);
    const { final } = await client.transaction('quit@example.org', [mailbox], 'From: quit@example.org\r\nSubject: unsubscribe\r\n\r\nunsubscribe');
    expect(final?.code).toBe(250);
    expect(await db.suppression.findMany({ where: { projectId: project.id, email: 'quit@example.org' } })).toEqual([expect.objectContaining({ reason: 'unsubscribe' })]);
  });

  describe('refuses at RCPT (550 5.7.1), storing nothing', () => {
    let recipientId: string;
    beforeAll(async () => {
      recipientId = (await deliveredMessage(db, project, ['bob@example.org'])).recipient('bob@example.org').id;
    });

    const refused = async (address: string) => {
      const before = await reports();
      const client = await session();
      expect((await client.command('MAIL FROM:<>')).code).toBe(250);
      const answer = await client.command(`RCPT TO:<${address}>`);
      expect((await client.command('DATA')).code).toBe(503); // no valid recipient: no DATA
      expect(await reports()).toBe(before);
      return answer.text;
    };

    it.each([
      ['a third party’s address (no relaying)', () => 'victim@gmail.example'],
      ['a stranger at the bounce host', () => `postmaster-not-ours@${TEST_BOUNCE_HOST}`],
      ['a return path with a forged MAC', () => returnPath(recipientId).replace(/(.)@/, (_m, c: string) => `${c === 'a' ? 'b' : 'a'}@`)],
      ['a return path signed with another master key', () => verpAddress(deriveFeedbackKeys(Buffer.alloc(32, 7)).verp, { kind: 'recipient', id: recipientId }, TEST_BOUNCE_HOST)],
      ['a valid token at a domain that is not a return-path domain', () => returnPath(recipientId, 'elsewhere.example')],
      ['a VERP token replayed as an unsubscribe mailbox', () => returnPath(recipientId).replace(/^bounces\+/, 'unsubscribe+')],
      ['the complaint mailbox of another domain', () => 'fbl@elsewhere.example'],
    ])('%s', async (_name, address) => {
      expect(await refused(address())).toMatch(/^550 5\.7\.1 /);
    });

    it('a genuine token of a message that was deleted', async () => {
      const m = await deliveredMessage(db, project, ['gone@example.org']);
      const address = returnPath(m.recipient('gone@example.org').id);
      await db.message.delete({ where: { id: m.id } });
      expect(await refused(address)).toMatch(/^550 5\.7\.1 /);
    });

    it('a genuine token of a recipient id that never existed', async () => {
      expect(await refused(returnPath('rcpt_01JE0A1B2C3D4E5F6G7H8J9K0M'))).toMatch(/^550 5\.7\.1 /);
    });
  });

  it('refuses a notification over the size limit with 552 5.3.4 and stores nothing', async () => {
    const m = await deliveredMessage(db, project, ['big@example.org']);
    const before = await reports();
    const client = await session();
    const huge = dsnFor('big@example.org').replace('This is the mail system', `${'x'.repeat(998)}\r\n`.repeat(80));
    const { final } = await client.transaction('', [returnPath(m.recipient('big@example.org').id)], huge);
    expect(final?.text).toMatch(/^552 5\.3\.4 /);
    expect(await reports()).toBe(before);
    expect((await db.recipient.findFirstOrThrow({ where: { messageId: m.id } })).status).toBe('delivered');
  });

  it.each([
    ['LF . LF', '\n.\n'],
    ['CRLF . LF', '\r\n.\n'],
    ['LF . CRLF', '\n.\r\n'],
  ])('never runs a transaction smuggled behind %s: another recipient’s return path is untouched', async (_name, sequence) => {
    const carrier = await deliveredMessage(db, project, ['carrier@example.org']);
    const victim = await deliveredMessage(db, project, ['victim@example.org']);
    const smuggled = [`MAIL FROM:<>`, `RCPT TO:<${returnPath(victim.recipient('victim@example.org').id)}>`, 'DATA', dsnFor('victim@example.org')].join('\r\n');
    const client = await session();
    const { final } = await client.transaction('', [returnPath(carrier.recipient('carrier@example.org').id)], `${dsnFor('carrier@example.org', { action: 'delayed', status: '4.4.1' })}${sequence}${smuggled}`);
    expect(final?.code).toBe(250);
    expect(await client.unsolicited(200)).toEqual([]);
    expect((await db.recipient.findFirstOrThrow({ where: { messageId: victim.id } })).status).toBe('delivered');
    expect(await db.event.count({ where: { messageId: victim.id, type: { in: ['bounced', 'delayed'] } } })).toBe(0);
  });

  it('refuses a fourth connection from one address with 421 when three are allowed', async () => {
    const limited = await startInboundListener({ perIp: 3 });
    try {
      const clients = await Promise.all([0, 1, 2].map(() => RawSmtpClient.connect(limited.port)));
      for (const c of clients) expect((await c.reply()).code).toBe(220);
      const fourth = await RawSmtpClient.connect(limited.port);
      expect((await fourth.reply()).text).toMatch(/^421 4\.7\.0 /);
    } finally {
      RawSmtpClient.destroyAll();
      await limited.close();
    }
  });
});
