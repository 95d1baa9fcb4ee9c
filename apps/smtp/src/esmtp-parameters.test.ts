import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/** Parameters of no extension the listener advertises (DSN and REQUIRETLS are not offered). */
const UNKNOWN_MAIL = ['FOO=bar', 'FOO', 'RET=FULL', 'ENVID=abc', 'REQUIRETLS', 'MT-PRIORITY=3'];
const UNKNOWN_RCPT = ['FOO=1', 'NOTIFY=NEVER', 'NOTIFY=SUCCESS,FAILURE', 'ORCPT=rfc822;ann@one.example'];
/** Parameters of advertised extensions: SIZE, 8BITMIME, SMTPUTF8, and AUTH (RFC 4954 §5). */
const KNOWN_MAIL = ['SIZE=500', 'BODY=7BIT', 'BODY=8BITMIME', 'SMTPUTF8', 'AUTH=<>', 'AUTH=app+40example.com', 'size=500 body=8bitmime'];

describe('SMTP submission: MAIL FROM and RCPT TO parameters', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-params');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  it.each(UNKNOWN_MAIL)('refuses MAIL FROM with %s with 555 5.5.4 naming the parameter; the transaction does not start', async (parameter) => {
    const client = await authenticatedSession(listener.port, project.key);
    const name = parameter.split('=')[0] as string;
    expect((await client.command(`MAIL FROM:<app@${project.domain}> ${parameter}`)).text).toMatch(new RegExp(`^555 5\\.5\\.4 MAIL FROM parameter ${name} is not supported`));
    expect((await client.command('RCPT TO:<ann@one.example>')).text).toMatch(/^503 5\.5\.1 /);
  });

  it.each(UNKNOWN_RCPT)('refuses RCPT TO with %s with 555 5.5.4 naming the parameter, and the recipient is not added', async (parameter) => {
    const client = await authenticatedSession(listener.port, project.key);
    const name = parameter.split('=')[0] as string;
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
    expect((await client.command(`RCPT TO:<bob@one.example> ${parameter}`)).text).toMatch(new RegExp(`^555 5\\.5\\.4 RCPT TO parameter ${name} is not supported`));
    expect((await client.command('DATA')).text).toMatch(/^503 5\.5\.1 /); // no recipient was accepted
  });

  it.each(KNOWN_MAIL)('accepts MAIL FROM with %s and stores the message', async (parameters) => {
    const client = await authenticatedSession(listener.port, project.key);
    const subject = `params ${parameters}`;
    expect((await client.command(`MAIL FROM:<app@${project.domain}> ${parameters}`)).text).toMatch(/^250 2\.1\.0 /);
    expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    client.write(`${rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', subject })}\r\n.\r\n`);
    expect((await client.reply()).text).toMatch(/^250 2\.0\.0 /);
    expect((await storedMessages(listener.db, project.id)).filter((m) => m.subject === subject)).toHaveLength(1);
  });

  it('answers a valueless AUTH parameter with 501 5.5.4', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}> AUTH`)).text).toMatch(/^501 5\.5\.4 /);
  });
});
