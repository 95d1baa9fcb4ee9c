import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countProjectRows, seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { startSubmissionListener, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/** The address tricks an open-relay checker tries; LOCAL stands for the project's own domain. */
const TRICKS = [
  ['a normal external address', 'user@external.example'],
  ['the percent hack', 'user%external.example@LOCAL'],
  ['a source route', '@relay.test:user@external.example'],
  ['a bang path', 'external.example!user@LOCAL'],
  ['a quoted local part', '"user@external.example"@LOCAL'],
  ['a bracketed IP literal', 'user@[192.0.2.1]'],
  ['the empty address', ''],
] as const;

describe('SMTP submission: no relaying', () => {
  let listener: SubmissionListener;
  let project: TestProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await seedProject(listener.db, 'smtp-relay');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener.close());

  const local = (template: string) => template.replace('LOCAL', project.domain);

  const nothingStored = async () => {
    expect(await countProjectRows(listener.db, project.id)).toEqual({ messages: 0, recipients: 0, events: 0 });
    expect(listener.jobs).toEqual([]);
  };

  describe('without AUTH', () => {
    it.each(TRICKS)('refuses %s in MAIL FROM and RCPT TO with 530, after STARTTLS and on implicit TLS', async (_name, template) => {
      const address = local(template);
      for (const implicitTls of [false, true]) {
        const client = await RawSmtpClient.connect(implicitTls ? listener.tlsPort : listener.port, { tls: implicitTls });
        expect((await client.reply()).code).toBe(220);
        expect((await client.ehlo()).code).toBe(250);
        if (!implicitTls) {
          expect((await client.startTls()).code).toBe(220);
          expect((await client.ehlo()).code).toBe(250);
        }
        expect((await client.command(`MAIL FROM:<${address}>`)).code).toBe(530);
        expect((await client.command(`RCPT TO:<${address}>`)).code).toBe(530);
        expect((await client.command('DATA')).code).toBe(530);
        // and with a sender on the project's own verified domain
        expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(530);
        expect((await client.command(`RCPT TO:<${address}>`)).code).toBe(530);
        // a client that does not wait for 354: every line of its message is refused
        client.write('DATA\r\nSubject: relayed\r\n\r\nrelayed\r\n.\r\n');
        const replies = await client.unsolicited(300);
        expect(replies.length).toBeGreaterThan(0);
        expect(replies.filter((r) => !/^(5\d\d|421)[ -]/.test(r))).toEqual([]);
        await client.quit();
      }
      await nothingStored();
    });

    it('refuses MAIL FROM with 530 and RCPT TO with 5xx in clear text, before STARTTLS', async () => {
      for (const address of TRICKS.map(([, template]) => local(template))) {
        const client = await RawSmtpClient.connect(listener.port);
        expect((await client.reply()).code).toBe(220);
        expect((await client.ehlo()).code).toBe(250);
        expect((await client.command(`MAIL FROM:<${address}>`)).code, address).toBeGreaterThanOrEqual(500);
        expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(530);
        expect((await client.command(`RCPT TO:<${address}>`)).code, address).toBeGreaterThanOrEqual(500);
        expect((await client.command('DATA')).code).toBeGreaterThanOrEqual(500);
        await client.quit();
      }
      await nothingStored();
    });
  });

  describe('with AUTH', () => {
    it.each([
      ['the empty sender', ''],
      ['a quoted local part', '"user@external.example"@LOCAL'],
      ['an address literal', 'user@[192.0.2.1]'],
      ['a source route ending outside the project', '@relay.test:user@external.example'],
    ])('refuses %s as the sender with 5xx', async (_name, template) => {
      const address = local(template);
      const client = await authenticatedSession(listener.port, project.key);
      const mail = await client.command(`MAIL FROM:<${address}>`);
      expect(mail.code, mail.text).toBeGreaterThanOrEqual(500);
      // the transaction never started: no recipient is taken, no message is read
      expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(503);
      expect((await client.command('DATA')).code).toBe(503);
      await client.quit();
      await nothingStored();
    });

    it.each([
      ['the empty address', ''],
      ['a quoted local part', '"user@external.example"@one.example'],
      ['an address literal', 'user@[192.0.2.1]'],
      ['a bare IP domain', 'user@192.0.2.1'],
    ])('refuses %s as a recipient with 5xx', async (_name, address) => {
      const client = await authenticatedSession(listener.port, project.key);
      expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
      const rcpt = await client.command(`RCPT TO:<${address}>`);
      expect(rcpt.code, rcpt.text).toBeGreaterThanOrEqual(500);
      expect((await client.command('DATA')).code).toBe(503);
      await client.quit();
      await nothingStored();
    });

    it('delivers a source-routed, percent-hack or bang-path recipient only to the domain after the last @, never through the route', async () => {
      // a listener and project of its own: the tests above expect nothing stored or enqueued
      const own = await startSubmissionListener();
      const other = await seedProject(own.db, 'smtp-route');
      const client = await authenticatedSession(own.port, other.key);
      const { mail, rcpt, final } = await client.transaction(
        `app@${other.domain}`,
        ['@relay.test,@hop.test:ann@one.example', 'bob%external.example@two.example', 'external.example!carl@two.example'],
        `From: app@${other.domain}\r\nTo: ann@one.example\r\nSubject: routes\r\n\r\nbody`,
      );
      expect([mail.code, ...rcpt.map((r) => r.code), final?.code]).toEqual([250, 250, 250, 250, 250]);
      const id = /queued as (msg_\w+)/.exec(final?.text ?? '')?.[1] as string;
      const recipients = await own.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
      expect(recipients.map((r) => [r.email, r.domain])).toEqual([
        ['ann@one.example', 'one.example'],
        ['bob%external.example@two.example', 'two.example'],
        ['external.example!carl@two.example', 'two.example'],
      ]);
      expect(own.jobs.map((j) => j.data)).toEqual(expect.arrayContaining([{ messageId: id, domain: 'one.example' }, { messageId: id, domain: 'two.example' }]));
      expect(own.jobs).toHaveLength(2);
      await client.quit();
      await own.close();
    });
  });
});
