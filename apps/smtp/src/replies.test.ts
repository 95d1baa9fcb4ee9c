import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { RawSmtpClient, SMTP_TEST_HOSTNAME, type SmtpReply } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';
import { tamperedKey } from '@herald/test/support/scoped-key.ts';
import { smtpError } from './smtp-reply.ts';

const MAX_BYTES = 3_000;
const MAX_RECIPIENTS = 2;
/** Recipients per day: the session below commits four, then meets the quota. */
const DAILY_QUOTA = 4;

/** Every line of a reply that must carry an enhanced status code (RFC 2034 §4): one, of the reply's class. */
const ONE_ENHANCED_CODE = /^(\d)\d\d[ -]\1\.\d{1,3}\.\d{1,3} (?![245]\.\d{1,3}\.\d{1,3} )/;

describe('SMTP submission: reply codes', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener({ maxMessageBytes: MAX_BYTES, maxRecipients: MAX_RECIPIENTS, dailyQuota: DAILY_QUOTA });
    project = await listener.seed('smtp-replies');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  it('gives every reply but the greeting, EHLO/HELO and 3xx prompts exactly one enhanced status code, the one docs/smtp.md promises', async () => {
    const from = `app@${project.domain}`;
    const message = (extra: { from?: string; headers?: string[]; body?: string } = {}) =>
      rawMessage({ from: extra.from ?? from, to: 'ann@one.example', subject: 'reply codes', headers: extra.headers, body: extra.body });
    const client = await RawSmtpClient.connect(listener.port);
    const coded: [string, SmtpReply][] = [];
    /** Sends a command (or, with `data`, message bytes) and checks its reply against `expected`. */
    const step = async (what: string, expected: RegExp, data?: string) => {
      const reply = data === undefined ? await client.command(what) : (client.write(`${data}\r\n.\r\n`), await client.reply());
      expect(reply.text, what).toMatch(expected);
      if (!/^3/.test(String(reply.code))) coded.push([what, reply]);
      return reply;
    };

    // RFC 2034 §3: neither the greeting nor the answer to EHLO or HELO carries a code
    const greeting = await client.reply();
    expect(greeting.text).toBe(`220 ${SMTP_TEST_HOSTNAME} ESMTP Herald ESMTP submission`);
    const clear = await client.ehlo();
    expect(clear.lines).toEqual(expect.arrayContaining(['ENHANCEDSTATUSCODES', 'STARTTLS', `SIZE ${MAX_BYTES}`, 'PIPELINING', '8BITMIME']));
    expect(clear.lines.filter((l) => /^(AUTH|DSN|REQUIRETLS)\b/.test(l))).toEqual([]);
    expect((await client.command('HELO client.herald.test')).text).toMatch(new RegExp(`^250 ${SMTP_TEST_HOSTNAME} `));

    // in clear text
    await step('XYZZY', /^500 5\.5\.2 /);
    await step(`AUTH PLAIN ${Buffer.from(`\0herald\0${project.key}`).toString('base64')}`, /^500 5\.5\.2 /); // not offered before TLS
    await step(`MAIL FROM:<${from}>`, /^530 5\.7\.0 Must issue a STARTTLS command first$/);
    await step('NOOP', /^250 2\.0\.0 /);
    await step('STARTTLS', /^220 2\.0\.0 /);
    await client.upgrade();
    const secure = await client.ehlo();
    expect(secure.lines).toEqual(expect.arrayContaining(['ENHANCEDSTATUSCODES', 'AUTH PLAIN LOGIN', `SIZE ${MAX_BYTES}`]));
    expect(secure.lines.filter((l) => /^(STARTTLS|DSN|REQUIRETLS)\b/.test(l))).toEqual([]);

    // under TLS, before AUTH
    await step('STARTTLS', /^503 5\.5\.1 /);
    await step(`MAIL FROM:<${from}>`, /^530 5\.7\.0 Authentication required$/);
    await step('RCPT TO:<ann@one.example>', /^530 5\.7\.0 Authentication required$/);
    await step('AUTH CRAM-MD5', /^504 5\.5\.4 /);
    await step(`AUTH PLAIN ${Buffer.from(`\0herald\0${tamperedKey(project.key)}`).toString('base64')}`, /^535 5\.7\.8 /);
    expect((await client.command('AUTH LOGIN')).text).toMatch(/^334 /);
    expect((await client.command(Buffer.from('herald').toString('base64'))).text).toMatch(/^334 /);
    await step(Buffer.from(project.key).toString('base64'), /^235 2\.7\.0 /);
    await step(`AUTH PLAIN ${Buffer.from(`\0herald\0${project.key}`).toString('base64')}`, /^503 5\.5\.1 /);

    // MAIL FROM
    await step('RCPT TO:<ann@one.example>', /^503 5\.5\.1 /);
    await step('DATA', /^503 5\.5\.1 /);
    await step('MAIL FROM:<not an address>', /^501 5\.1\.7 /);
    await step(`MAIL FROM:<${from}> SIZE=${MAX_BYTES + 1}`, /^552 5\.3\.4 /);
    await step(`MAIL FROM:<${from}> SIZE=big`, /^501 5\.5\.4 /);
    await step(`MAIL FROM:<${from}> BODY=BINARYMIME`, /^501 5\.5\.4 /);
    await step(`MAIL FROM:<${from}> FOO=bar`, /^555 5\.5\.4 MAIL FROM parameter FOO is not supported$/);
    await step(`MAIL FROM:<${from}> RET=HDRS`, /^555 5\.5\.4 .*DSN/);
    await step(`MAIL FROM:<app@${project.unverifiedDomain}>`, /^550 5\.7\.1 /);
    await step('MAIL FROM:<>', /^553 5\.1\.7 /);
    await step(`MAIL FROM:<${from}> SIZE=100 BODY=8BITMIME`, /^250 2\.1\.0 /);
    await step(`MAIL FROM:<${from}>`, /^503 5\.5\.1 /);

    // RCPT TO
    await step('RCPT TO:<ann@one.example> NOTIFY=NEVER', /^555 5\.5\.4 RCPT TO parameter NOTIFY is not supported: DSN is not offered$/);
    await step('RCPT TO:<not an address>', /^501 5\.1\.3 /);
    await step('RCPT TO:<"quoted"@one.example>', /^553 5\.1\.3 /);
    await step('RCPT TO:<ann@one.example>', /^250 2\.1\.5 /);
    await step('RCPT TO:<bob@one.example>', /^250 2\.1\.5 /);
    await step('RCPT TO:<cat@one.example>', /^452 4\.5\.3 /);

    // DATA
    expect((await client.command('DATA')).text).toMatch(/^354 /);
    const queued = [await step('message', /^250 2\.0\.0 Ok: queued as msg_\w+$/, message())];
    for (const [name, data, expected] of [
      ['a message over the size limit', message({ body: 'x'.repeat(MAX_BYTES) }), /^552 5\.3\.4 /],
      ['a From header on an unverified domain', message({ from: `app@${project.unverifiedDomain}` }), /^550 5\.7\.1 /],
      ['a From header with two mailboxes', message({ from: `${from}, other@${project.domain}` }), /^554 5\.6\.0 /],
      ['a Subject that is not UTF-8', message({ headers: ['Subject: caf\xe9'] }), /^554 5\.6\.0 header\.subject: /],
      ['a first message with an idempotency key', message({ headers: ['X-Herald-Idempotency-Key: replies-1'] }), /^250 2\.0\.0 /],
      ['another message with the same idempotency key', message({ headers: ['X-Herald-Idempotency-Key: replies-1'], body: 'other' }), /^554 5\.7\.0 /],
      ['a message that uses up the daily quota', message(), /^250 2\.0\.0 /],
      ['a message over the daily quota', message(), /^452 4\.7\.0 /],
    ] as const) {
      await step(`MAIL FROM:<${from}>`, /^250 2\.1\.0 /);
      await step('RCPT TO:<ann@one.example>', /^250 2\.1\.5 /);
      expect((await client.command('DATA')).text).toMatch(/^354 /);
      const reply = await step(name, expected, data);
      if (reply.code === 250) queued.push(reply);
    }

    // the rest of the session
    await step(`MAIL FROM:<${from}>`, /^250 2\.1\.0 /);
    await step('RSET', /^250 2\.0\.0 /);
    await step('RCPT TO:<ann@one.example>', /^503 5\.5\.1 /); // RSET ended the transaction
    await step('VRFY ann@one.example', /^252 2\.1\.5 /);
    await step('HELP', /^214 2\.0\.0 /);
    await step('QUIT', /^221 2\.0\.0 /);

    for (const [what, reply] of coded) {
      for (const line of reply.text.split('\n')) expect(line, what).toMatch(ONE_ENHANCED_CODE);
    }
    expect((await storedMessages(listener.db, project.id)).map((m) => m.id)).toEqual(queued.map((r) => /queued as (msg_\w+)/.exec(r.text)?.[1]));
  });

  it('refuses connections over the per-address limit and after failed logins with 421 4.7.0', async () => {
    const limited = await startSubmissionListener({ limits: { perIp: 1, authFailures: 1 } });
    try {
      const first = await RawSmtpClient.connect(limited.port, { localAddress: '127.0.11.1' });
      expect((await first.reply()).code).toBe(220);
      const second = await RawSmtpClient.connect(limited.port, { localAddress: '127.0.11.1' });
      expect((await second.reply()).text).toMatch(/^421 4\.7\.0 .*too many connections/);

      const other = await RawSmtpClient.connect(limited.tlsPort, { tls: true, localAddress: '127.0.11.2' });
      expect((await other.reply()).code).toBe(220);
      expect((await other.ehlo()).code).toBe(250);
      expect((await other.authPlain('herald', 'hk_live_wrong')).text).toMatch(/^535 5\.7\.8 /);
      expect((await other.authPlain('herald', 'hk_live_wrong')).text).toMatch(/^421 4\.7\.0 .*failed logins/);
    } finally {
      await limited.close();
    }
  });

  it('refuses to build a reply whose text lacks an enhanced status code of its class', () => {
    expect(() => smtpError(550, 'Error: no code')).toThrow(RangeError);
    expect(() => smtpError(550, '4.7.1 wrong class')).toThrow(RangeError);
    expect(smtpError(550, '5.7.1 refused')).toMatchObject({ responseCode: 550, message: '5.7.1 refused' });
  });
});
