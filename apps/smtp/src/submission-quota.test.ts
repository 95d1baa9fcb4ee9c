import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

describe('SMTP submission: the daily quota', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener({ dailyQuota: 2 });
    project = await listener.seed('smtp-quota');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  it('answers a resubmission with the same X-Herald-Idempotency-Key with the first message even once the quota is used up, counting it once', async () => {
    const from = `app@${project.domain}`;
    const client = await authenticatedSession(listener.port, project.key);
    const replayable = rawMessage({ from, to: 'ann@one.example', subject: 'once', headers: ['X-Herald-Idempotency-Key: quota-replay-1'] });
    const first = await client.transaction(from, ['ann@one.example'], replayable);
    expect(first.final?.text).toMatch(/^250 2\.0\.0 Ok: queued as msg_\w+/);
    const second = await client.transaction(from, ['bob@one.example'], rawMessage({ from, to: 'bob@one.example', subject: 'second' }));
    expect(second.final?.text).toMatch(/^250 2\.0\.0 /);
    // the quota (2) is used up: a new message is refused, the replay is answered as the first time
    const over = await client.transaction(from, ['cy@one.example'], rawMessage({ from, to: 'cy@one.example', subject: 'third' }));
    expect(over.final?.text).toMatch(/^452 4\.7\.0 .*quota/);
    const again = await client.transaction(from, ['ann@one.example'], replayable);
    expect(again.final?.text).toBe(first.final?.text);
    expect((await storedMessages(listener.db, project.id)).map((m) => m.subject).sort()).toEqual(['once', 'second']);
  });
});
