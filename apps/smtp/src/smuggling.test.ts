import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/**
 * End-of-data look-alikes an SMTP smuggling attack (CVE-2023-51766 and kin) hides inside DATA, hoping
 * that some server on the path takes one of them for the real CRLF.CRLF.
 */
const SEQUENCES = [
  ['LF . LF', '\n.\n'],
  ['CR . CR', '\r.\r'],
  ['LF . CRLF', '\n.\r\n'],
  ['CRLF . LF', '\r\n.\n'],
  ['CRLF . CR', '\r\n.\r'],
  ['CR . CRLF', '\r.\r\n'],
] as const;

const SMUGGLED_DOMAIN = 'smuggled.example';

describe('SMTP submission: SMTP smuggling', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-smuggle');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  /** A complete second transaction, as it would have to be read to become a message of its own. */
  const secondTransaction = (n: number) =>
    [
      `MAIL FROM:<smuggler@${project.domain}>`,
      `RCPT TO:<victim-${n}@${SMUGGLED_DOMAIN}>`,
      'DATA',
      `From: smuggler@${project.domain}`,
      `To: victim-${n}@${SMUGGLED_DOMAIN}`,
      'Subject: smuggled',
      '',
      'smuggled body',
    ].join('\r\n');

  /**
   * Runs `send` and checks that it added at most one message, addressed only as the envelope said:
   * nothing was ever stored for or enqueued to the smuggled recipient.
   */
  const expectOneMessageAtMost = async (send: () => Promise<void>) => {
    const before = (await storedMessages(listener.db, project.id)).length;
    await send();
    const messages = await storedMessages(listener.db, project.id);
    expect(messages.length - before).toBeLessThanOrEqual(1);
    expect(messages.flatMap((m) => m.recipients).filter((r) => r.domain === SMUGGLED_DOMAIN)).toEqual([]);
    expect(listener.jobs.filter((j) => j.data.domain === SMUGGLED_DOMAIN)).toEqual([]);
  };

  it.each(SEQUENCES.map(([name, sequence], n) => [name, sequence, n] as const))(
    'treats %j inside DATA as body text: one message, and the second transaction after it is never run',
    async (_name, sequence, n) => {
      const client = await authenticatedSession(listener.port, project.key);
      const subject = `carrier ${n}`;
      const data = rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', subject, body: `first part${sequence}${secondTransaction(n)}` });
      await expectOneMessageAtMost(async () => {
        const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
        // one answer for the whole DATA, then none for the smuggled commands: the next reply is NOOP's
        expect(final?.text).toMatch(/^250 2\.0\.0 Ok: queued as msg_\w+$/);
        expect(await client.unsolicited(200)).toEqual([]);
        expect((await client.command('NOOP')).code).toBe(250);
      });

      const carrier = (await storedMessages(listener.db, project.id)).find((m) => m.subject === subject);
      expect(carrier?.recipients.map((r) => r.email)).toEqual(['ann@one.example']);
      const raw = Buffer.from(carrier?.content?.raw as Uint8Array).toString('latin1');
      expect(raw).toContain(`first part\r\n`);
      expect(raw).toContain(`\r\nRCPT TO:<victim-${n}@${SMUGGLED_DOMAIN}>\r\nDATA\r\n`);
      expect(raw.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/); // every line ending in the stored copy is CRLF
    },
  );

  it('does not take CRLF . LF split across TCP segments for the end of data, and still finds the real end when it is split', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    await expectOneMessageAtMost(async () => {
      for (const line of [`MAIL FROM:<app@${project.domain}>`, 'RCPT TO:<ann@one.example>', 'DATA']) {
        expect((await client.command(line)).code).toBeLessThan(400);
      }
      const message = rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', subject: 'segments', body: 'first part\r' });
      for (const piece of [message, '\n.', '\n', `${secondTransaction(99)}\r`, '\n.\r', '\n']) {
        client.write(piece);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect((await client.reply()).text).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);
      expect(await client.unsolicited(200)).toEqual([]);
    });
    const stored = (await storedMessages(listener.db, project.id)).find((m) => m.subject === 'segments');
    expect(Buffer.from(stored?.content?.raw as Uint8Array).toString('latin1')).toMatch(/first part\r\n\.\r\nMAIL FROM:<smuggler@/);
  });

  it('reads a lone dot line at the very start of DATA as content, not as the end of an empty message', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    let id: string | undefined;
    await expectOneMessageAtMost(async () => {
      const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], `.\n${secondTransaction(100)}`);
      id = /^250 2\.0\.0 Ok: queued as (msg_\w+)$/.exec(final?.text ?? '')?.[1];
      expect(await client.unsolicited(200)).toEqual([]);
      expect((await client.command('NOOP')).code).toBe(250);
    });
    // what followed the dot was read as the message's own header fields, sent to the envelope's recipient
    expect(id).toMatch(/^msg_/);
    const recipients = await listener.db.recipient.findMany({ where: { messageId: id } });
    expect(recipients.map((r) => r.email)).toEqual(['ann@one.example']);
  });

  it('stores bare LF and bare CR in a message as CRLF, and removes the transparency dot of dot-stuffed lines', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    const data = rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', subject: 'line endings', body: 'one\ntwo\rthree\r\n..four\r\n..' });
    const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
    expect(final?.text).toMatch(/^250 /);
    const id = /queued as (msg_\w+)/.exec(final?.text ?? '')?.[1];
    const raw = Buffer.from((await listener.db.messageContent.findUniqueOrThrow({ where: { id } })).raw).toString('latin1');
    expect(raw.endsWith('\r\n\r\none\r\ntwo\r\nthree\r\n.four\r\n.\r\n')).toBe(true);
  });
});

describe('SMTP submission: commands pipelined behind STARTTLS', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-pipeline');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  /** Greeted, then EHLO, STARTTLS and `injected` written at once, in clear text, before any handshake. */
  const pipelined = async (injected: string[]) => {
    const client = await RawSmtpClient.connect(listener.port);
    expect((await client.reply()).code).toBe(220);
    client.write(['EHLO client.herald.test', 'STARTTLS', ...injected, ''].join('\r\n'));
    expect((await client.reply()).code).toBe(250);
    expect((await client.reply()).code).toBe(220);
    expect(await client.unsolicited(200)).toEqual([]); // no clear-text answer to what followed STARTTLS
    await client.upgrade();
    expect(await client.unsolicited(200)).toEqual([]); // nor any inside TLS
    return client;
  };

  it('discards a MAIL FROM pipelined before the handshake: inside TLS the client must say EHLO again, and its MAIL FROM is the first', async () => {
    const client = await pipelined([`MAIL FROM:<app@${project.domain}>`, 'RCPT TO:<ann@one.example>']);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(503); // EHLO first
    expect((await client.ehlo()).code).toBe(250);
    expect((await client.authPlain('herald', project.key)).code).toBe(235);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250); // not "nested MAIL"
    expect((await client.command('DATA')).code).toBe(503); // no recipient carried over either
  });

  it('discards an AUTH pipelined before the handshake: inside TLS the session is not logged in', async () => {
    const auth = `AUTH PLAIN ${Buffer.from(`\0herald\0${project.key}`).toString('base64')}`;
    const client = await pipelined([auth, 'EHLO client.herald.test', `MAIL FROM:<app@${project.domain}>`]);
    const ehlo = await client.ehlo();
    expect(ehlo.lines).toContain('AUTH PLAIN LOGIN'); // still offered: nobody logged in
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(530);
    expect((await client.authPlain('herald', project.key)).code).toBe(235);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
  });
});
