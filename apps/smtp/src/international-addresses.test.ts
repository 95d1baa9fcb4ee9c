import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/** A line as the UTF-8 octets a client writes (the raw client writes a string's chars as octets). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Internationalised addresses over SMTP submission (RFC 6531): the listener advertises SMTPUTF8, so a
 * client that gives the SMTPUTF8 parameter on MAIL FROM may use UTF-8 local parts in the envelope and
 * UTF-8 in the header (RFC 6532); one that does not may not (553 5.6.7).
 */
describe('SMTP submission: internationalised addresses (SMTPUTF8)', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-eai');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  /** DATA and the message as UTF-8 octets (dot-terminated), and the reply after the final dot. */
  const data = async (client: RawSmtpClient, message: string) => {
    expect((await client.command('DATA')).code).toBe(354);
    client.write(Buffer.from(`${message}\r\n.\r\n`, 'utf8'));
    return client.reply();
  };

  it('advertises SMTPUTF8 and 8BITMIME in its EHLO reply', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    const ehlo = await client.ehlo();
    expect(ehlo.lines).toContain('SMTPUTF8');
    expect(ehlo.lines).toContain('8BITMIME');
  });

  it('accepts UTF-8 recipients and a UTF-8 header after MAIL FROM … SMTPUTF8, and stores the message byte for byte', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}> SMTPUTF8`)).code).toBe(250);
    for (const rcpt of ['jürgen@one.example', '用户@例子.example', 'ann@one.example']) {
      const reply = await client.command(utf8(`RCPT TO:<${rcpt}>`));
      expect(reply.code, reply.text).toBe(250);
    }
    const message = [
      `From: App <app@${project.domain}>`,
      'To: Jürgen <jürgen@one.example>, 用户@例子.example',
      'Cc: ann@one.example',
      'Subject: Grüße',
      '',
      'Hallo Jürgen.',
    ].join('\r\n');
    const final = await data(client, message);
    expect(final.text).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);

    const [stored] = await storedMessages(listener.db, project.id);
    expect(stored?.recipients.map((r) => [r.email, r.domain, r.kind, r.status])).toEqual([
      ['ann@one.example', 'one.example', 'cc', 'queued'],
      ['jürgen@one.example', 'one.example', 'to', 'queued'],
      ['用户@xn--fsqu00a.example', 'xn--fsqu00a.example', 'to', 'queued'],
    ]);
    const raw = Buffer.from(stored?.content?.raw ?? []).toString('utf8');
    expect(raw).toContain('To: Jürgen <jürgen@one.example>, 用户@例子.example\r\n');
    expect(stored?.subject).toBe('Grüße');
  });

  it('matches an envelope recipient to the header written in another Unicode form (NFD), as a To recipient', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}> SMTPUTF8`)).code).toBe(250);
    expect((await client.command(utf8('RCPT TO:<j\u00fcrgen@two.example>'))).code).toBe(250);
    const final = await data(client, `From: app@${project.domain}\r\nTo: ju\u0308rgen@two.example\r\nSubject: nfd\r\n\r\nx`);
    expect(final.code, final.text).toBe(250);
    const stored = (await storedMessages(listener.db, project.id)).at(-1);
    expect(stored?.recipients).toEqual([expect.objectContaining({ email: 'j\u00fcrgen@two.example', kind: 'to' })]);
  });

  it('refuses a UTF-8 recipient with 553 5.6.7 when MAIL FROM had no SMTPUTF8, and still takes the ASCII ones', async () => {
    const before = (await storedMessages(listener.db, project.id)).length;
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
    const refused = await client.command(utf8('RCPT TO:<jürgen@one.example>'));
    expect(refused.text).toMatch(/^553 5\.6\.7 .*SMTPUTF8/);
    // no UTF-8 in replies (RFC 6531 §3.7.4)
    expect(refused.text).toContain('jU+00FCrgen@one.example');
    expect(refused.text).toMatch(/^[\x20-\x7e\n]*$/);
    expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(250);
    const final = await data(client, `From: app@${project.domain}\r\nTo: ann@one.example\r\nSubject: ascii\r\n\r\nx`);
    expect(final.code).toBe(250);
    const stored = (await storedMessages(listener.db, project.id)).slice(before);
    expect(stored.map((m) => m.recipients.map((r) => r.email))).toEqual([['ann@one.example']]);
  });

  it('refuses a UTF-8 sender with 550 5.6.7 without SMTPUTF8, and takes it on the verified domain with SMTPUTF8', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(utf8(`MAIL FROM:<jürgen@${project.domain}>`))).text).toMatch(/^550 5\.6\.7 /);
    expect((await client.command(utf8(`MAIL FROM:<jürgen@${project.domain}> SMTPUTF8`))).code).toBe(250);
  });

  it.each([
    ['octets that are not UTF-8', Buffer.from('RCPT TO:<j\xfcrgen@one.example>', 'latin1').toString('latin1'), /valid UTF-8/],
    ['a right-to-left override', utf8('RCPT TO:<jürgen\u202Eelpmaxe@one.example>'), /U\+202E/],
    ['a local part of 66 octets in 22 characters', utf8(`RCPT TO:<${'用'.repeat(22)}@one.example>`), /64 octets/],
  ])('refuses a recipient with %s with 553, even with SMTPUTF8', async (_what, line, reason) => {
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}> SMTPUTF8`)).code).toBe(250);
    const reply = await client.command(line);
    expect(reply.code, reply.text).toBe(553);
    expect(reply.text).toMatch(reason);
    // even after SMTPUTF8, a refusal quotes the address in ASCII (RFC 6531 §3.7.4)
    expect(reply.text).toMatch(/^[\x20-\x7e\n]*$/);
  });

  it('refuses with 554 a From header whose local part is not UTF-8, and stores nothing', async () => {
    const before = (await storedMessages(listener.db, project.id)).length;
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}> SMTPUTF8`)).code).toBe(250);
    expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    client.write(Buffer.from(`From: j\xfcrgen@${project.domain}\r\nTo: ann@one.example\r\nSubject: latin1\r\n\r\nx\r\n.\r\n`, 'latin1'));
    const final = await client.reply();
    expect(final.text).toMatch(/^554 5\.6\.0 .*header\.from.*UTF-8/);
    expect(await storedMessages(listener.db, project.id)).toHaveLength(before);
  });
});
