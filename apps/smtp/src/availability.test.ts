import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import {
  rawMessage,
  startSubmissionListener,
  storedMessages,
  switchableDb,
  type SmtpProject,
  type SubmissionListener,
} from '@herald/test/support/submission-listener.ts';

/** 250 only means committed: what the listener answers when Postgres or Redis is away. */
describe('SMTP submission: Postgres or Redis unavailable', () => {
  let postgres: ReturnType<typeof switchableDb>;
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    postgres = switchableDb();
    listener = await startSubmissionListener({ db: postgres.db });
    project = await listener.seed('smtp-unavailable');
  });
  afterEach(() => {
    postgres.state.value = 'up';
    listener.failEnqueue.value = false;
    RawSmtpClient.destroyAll();
  });
  afterAll(async () => {
    await listener?.close();
    await postgres?.close();
  });

  const message = (subject: string) => rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', subject });
  const queuedId = (text = '') => /^250 2\.0\.0 Ok: queued as (msg_\w+)$/.exec(text)?.[1];

  /** Through RCPT TO with Postgres up; then `state` from DATA on; the answer to the message. */
  const submitWhile = async (client: RawSmtpClient, state: 'down' | 'commit-fails', subject: string) => {
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
    expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    postgres.state.value = state;
    client.write(`${message(subject)}\r\n.\r\n`);
    const answer = await client.reply();
    expect(await client.unsolicited(200)).toEqual([]); // and no 250 after it
    postgres.state.value = 'up';
    return answer;
  };

  it.each([
    ['Postgres is unreachable from DATA on', 'down'],
    ['only the commit transaction fails to reach Postgres', 'commit-fails'],
  ] as const)('answers 451 4.3.0 and stores and enqueues nothing when %s; the retry in the same session is committed', async (_name, state) => {
    const subject = `unavailable ${state}`;
    const client = await authenticatedSession(listener.port, project.key);
    const answer = await submitWhile(client, state, subject);
    expect(answer.text).toMatch(/^451 4\.3\.0 .*not stored/);
    expect((await storedMessages(listener.db, project.id)).filter((m) => m.subject === subject)).toEqual([]);
    const jobs = listener.jobs.length;

    // Postgres is back: the client's retry, in the same session, is the one message stored
    const retry = await client.transaction(`app@${project.domain}`, ['ann@one.example'], message(subject));
    const id = queuedId(retry.final?.text);
    expect(id, retry.final?.text).toMatch(/^msg_/);
    expect((await storedMessages(listener.db, project.id)).filter((m) => m.subject === subject).map((m) => m.id)).toEqual([id]);
    expect(listener.jobs.slice(jobs)).toEqual([{ data: { messageId: id, domain: 'one.example' }, delayMs: 0, batch: expect.stringMatching(/^batch_/) as unknown }]);
  });

  it('answers MAIL FROM with 451 4.3.0 (not a 5xx refusal of the domain) while Postgres is unreachable', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    postgres.state.value = 'down';
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).text).toMatch(/^451 4\.3\.0 /);
    postgres.state.value = 'up';
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
  });

  it('answers AUTH with 454 4.7.0 (not 535) while Postgres is unreachable', async () => {
    const client = await RawSmtpClient.connect(listener.tlsPort, { tls: true });
    expect((await client.reply()).code).toBe(220);
    expect((await client.ehlo()).code).toBe(250);
    postgres.state.value = 'down';
    expect((await client.authPlain('herald', project.key)).text).toMatch(/^454 4\.7\.0 /);
    postgres.state.value = 'up';
    expect((await client.authPlain('herald', project.key)).code).toBe(235);
  });

  it('lets connections and logins through, uncounted, when the Redis of the session limits is unreachable (the limits fail open)', async () => {
    const unlimited = await startSubmissionListener({ limitsRedisUrl: 'redis://127.0.0.1:1', limits: { perIp: 1, perKey: 1, authFailures: 1 } });
    try {
      await authenticatedSession(unlimited.port, project.key);
      const failing = await RawSmtpClient.connect(unlimited.tlsPort, { tls: true });
      expect((await failing.reply()).code).toBe(220);
      await failing.ehlo();
      // counted, the first failure would block the address (421) from the second on
      for (let i = 0; i < 2; i++) expect((await failing.authPlain('herald', 'hk_live_wrong')).code).toBe(535);
      const second = await authenticatedSession(unlimited.tlsPort, project.key, { tls: true });
      const { final } = await second.transaction(`app@${project.domain}`, ['ann@one.example'], message('limits down'));
      expect(final?.text).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);
    } finally {
      await unlimited.close();
    }
  });

  it('answers 250 once the message is committed even when the delivery job cannot be enqueued (Redis down): the message waits in Postgres for the sweeper', async () => {
    const client = await authenticatedSession(listener.tlsPort, project.key, { tls: true });
    listener.failEnqueue.value = true;
    const jobs = listener.jobs.length;
    const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example', 'bob@two.example'], message('redis down'));
    const id = queuedId(final?.text);
    expect(id, final?.text).toMatch(/^msg_/);
    expect(listener.jobs).toHaveLength(jobs);
    const [stored] = (await storedMessages(listener.db, project.id)).filter((m) => m.id === id);
    expect(stored).toMatchObject({ status: 'queued', source: 'smtp' });
    expect(stored?.recipients.map((r) => [r.email, r.status])).toEqual([
      ['ann@one.example', 'queued'],
      ['bob@two.example', 'queued'],
    ]);
  });
});
