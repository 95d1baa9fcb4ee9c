import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verpAddress, type Db } from '@herald/core';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { deliveredMessage, dsnFor } from '@herald/test/support/feedback.ts';
import { feedbackKeys, startInboundListener, TEST_BOUNCE_HOST, type InboundListener } from '@herald/test/support/inbound-listener.ts';
import { RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { switchableDb } from '@herald/test/support/submission-listener.ts';

/** 250 only means committed: the inbound MX while Postgres is unreachable answers 451 and stores nothing. */
describe('inbound MX: Postgres unavailable', () => {
  let postgres: ReturnType<typeof switchableDb>;
  let listener: InboundListener;
  let db: Db;
  let project: TestProject;

  beforeAll(async () => {
    postgres = switchableDb();
    listener = await startInboundListener({ db: postgres.db, recordRetryMs: 300 });
    db = listener.db;
    project = await seedProject(db, 'inbound-down');
  });
  afterEach(() => {
    postgres.state.value = 'up';
    RawSmtpClient.destroyAll();
  });
  afterAll(async () => {
    if (project) await db.project.deleteMany({ where: { id: project.id } });
    await listener?.close();
    await postgres?.close();
  });

  const session = async () => {
    const client = await RawSmtpClient.connect(listener.port);
    await client.reply();
    await client.ehlo('mx.example.org');
    return client;
  };
  const returnPath = (id: string) => verpAddress(feedbackKeys.verp, { kind: 'recipient', id }, TEST_BOUNCE_HOST);

  it('answers RCPT with 451 4.3.0 (not a 550 refusal of a genuine address) while Postgres is down', async () => {
    const m = await deliveredMessage(db, project, ['rcpt-down@example.org']);
    const client = await session();
    expect((await client.command('MAIL FROM:<>')).code).toBe(250);
    postgres.state.value = 'down';
    expect((await client.command(`RCPT TO:<${returnPath(m.recipient('rcpt-down@example.org').id)}>`)).text).toMatch(/^451 4\.3\.0 /);
    postgres.state.value = 'up';
    expect((await client.command(`RCPT TO:<${returnPath(m.recipient('rcpt-down@example.org').id)}>`)).code).toBe(250);
  });

  it('answers the final dot with 451 4.3.0 and stores nothing when Postgres is down from DATA on; the retry is recorded once', async () => {
    const email = 'dot-down@example.org';
    const m = await deliveredMessage(db, project, [email]);
    const id = m.recipient(email).id;
    const client = await session();
    expect((await client.command('MAIL FROM:<>')).code).toBe(250);
    expect((await client.command(`RCPT TO:<${returnPath(id)}>`)).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    postgres.state.value = 'down';
    client.write(`${dsnFor(email)}\r\n.\r\n`);
    expect((await client.reply(10_000)).text).toMatch(/^451 4\.3\.0 .*nothing was stored/);
    expect(await client.unsolicited(200)).toEqual([]);
    postgres.state.value = 'up';

    expect(await db.feedbackReport.count({ where: { messageId: m.id } })).toBe(0);
    expect(await db.recipient.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'delivered' });
    expect(await db.event.count({ where: { messageId: m.id, type: 'bounced' } })).toBe(0);
    expect(await db.suppression.count({ where: { projectId: project.id, email } })).toBe(0);

    const { final } = await client.transaction('', [returnPath(id)], dsnFor(email));
    expect(final?.code).toBe(250);
    expect(await db.recipient.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: 'bounced' });
    expect(await db.event.count({ where: { messageId: m.id, type: 'bounced' } })).toBe(1);
  });
});
