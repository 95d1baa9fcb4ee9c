import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/**
 * An authenticated client may send to anyone, but only as its project's verified domains. These are
 * the open-relay checker's address tricks turned on that rule: each tries to make an address look as
 * if it were on the verified domain (VERIFIED) while it belongs to an unverified one (UNVERIFIED).
 */
const SENDER_TRICKS = [
  ['the percent hack', 'user%VERIFIED@UNVERIFIED'],
  ['a bang path', 'VERIFIED!user@UNVERIFIED'],
  ['a source route through the verified domain', '@VERIFIED:user@UNVERIFIED'],
  ['a quoted local part naming the verified domain', '"user@VERIFIED"@UNVERIFIED'],
  ['the verified domain after a percent sign in the domain', 'user@UNVERIFIED%VERIFIED'],
  ['an address literal', 'user@[127.0.0.1]'],
  ['the empty address', ''],
] as const;

describe('SMTP submission: address tricks on the sender', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-tricks');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  const address = (template: string) => template.replace('UNVERIFIED', project.unverifiedDomain).replace('VERIFIED', project.domain);

  /** Runs `send`, then checks that the project still has no message and nothing was enqueued. */
  const expectNothingStored = async (send: () => Promise<void>) => {
    const jobs = listener.jobs.length;
    await send();
    expect(await storedMessages(listener.db, project.id)).toEqual([]);
    expect(listener.jobs).toHaveLength(jobs);
  };

  it.each(SENDER_TRICKS)('refuses %s in MAIL FROM with 5xx, and the transaction never starts', async (_name, template) => {
    const client = await authenticatedSession(listener.port, project.key);
    await expectNothingStored(async () => {
      const mail = await client.command(`MAIL FROM:<${address(template)}>`);
      expect(mail.code, mail.text).toBeGreaterThanOrEqual(500);
      expect(mail.code, mail.text).toBeLessThan(600);
      expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(503);
    });
  });

  it('answers a sender on the unverified domain itself with 550 5.7.1', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<user@${project.unverifiedDomain}>`)).text).toMatch(/^550 5\.7\.1 .*not verified/);
  });

  it.each(SENDER_TRICKS.filter(([, template]) => template.includes('@')))(
    'refuses %s in the From header after DATA with 5xx, while MAIL FROM is on the verified domain',
    async (_name, template) => {
      const client = await authenticatedSession(listener.port, project.key);
      await expectNothingStored(async () => {
        const data = rawMessage({ from: `<${address(template)}>`, to: 'ann@one.example', subject: 'tricked' });
        const { mail, final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
        expect(mail.code).toBe(250);
        expect(final?.code, final?.text).toBeGreaterThanOrEqual(500);
        expect(final?.code, final?.text).toBeLessThan(600);
      });
    },
  );

  it('refuses a message with two From headers, one on the verified domain, with 554 5.6.0', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    await expectNothingStored(async () => {
      const data = rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', headers: [`From: ceo@${project.unverifiedDomain}`] });
      const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
      expect(final?.text).toMatch(/^554 5\.6\.0 .*From/);
    });
  });

  // only the first mailbox would be checked against the project's domains: a From header must hold one
  it('refuses with 554 5.6.0 a From header listing a second mailbox on another domain behind one on the verified domain', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    await expectNothingStored(async () => {
      const data = rawMessage({ from: `app@${project.domain}, ceo@${project.unverifiedDomain}`, to: 'ann@one.example', subject: 'two from' });
      const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
      expect(final?.text).toMatch(/^554 5\.6\.0 .*header\.from: must hold exactly one mailbox/);
    });
  });
});
