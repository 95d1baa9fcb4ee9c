import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@herald/core';
import { countProjectRows } from '@herald/test/support/api-app.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { createSmtpKey, rawMessage, startSubmissionListener, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/** What DELETE /v1/api-keys/{id} does (manage-api-keys.ts): the key is revoked as of now. */
async function revoke(db: Db, keyId: string): Promise<void> {
  const revoked = await db.apiKey.updateMany({ where: { id: keyId, revokedAt: null }, data: { revokedAt: new Date() } });
  expect(revoked.count).toBe(1);
}

const REFUSED = /^530 5\.7\.0 Authentication required: the API key was revoked or has expired/;

describe('SMTP submission: a key revoked or expired during a session', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-revoked');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  const message = (subject: string) => rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', subject });

  it('refuses the next MAIL FROM of a session whose key was revoked after it logged in and sent a message', async () => {
    const key = await createSmtpKey(listener.db, project.id);
    const client = await authenticatedSession(listener.port, key.key);
    const first = await client.transaction(`app@${project.domain}`, ['ann@one.example'], message('before revocation'));
    expect(first.final?.text).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);

    await revoke(listener.db, key.id);
    const before = await countProjectRows(listener.db, project.id);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).text).toMatch(REFUSED);
    expect((await client.command('RCPT TO:<ann@one.example>')).text).toMatch(/^503 5\.5\.1 /);
    // and every later transaction of the session
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).text).toMatch(REFUSED);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
  });

  it('refuses the message at the end of DATA, storing and enqueueing nothing, when the key is revoked between RCPT TO and the final dot', async () => {
    const key = await createSmtpKey(listener.db, project.id);
    const client = await authenticatedSession(listener.tlsPort, key.key, { tls: true });
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
    expect((await client.command('RCPT TO:<ann@one.example>')).code).toBe(250);
    expect((await client.command('DATA')).code).toBe(354);
    const before = await countProjectRows(listener.db, project.id);
    const jobs = listener.jobs.length;

    await revoke(listener.db, key.id);
    client.write(`${message('revoked during DATA')}\r\n.\r\n`);
    expect((await client.reply()).text).toMatch(REFUSED);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
    expect(listener.jobs).toHaveLength(jobs);
  });

  it('refuses the next MAIL FROM once the key has expired, though it was valid at AUTH', async () => {
    const key = await createSmtpKey(listener.db, project.id);
    const client = await authenticatedSession(listener.port, key.key);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
    expect((await client.command('RSET')).code).toBe(250);

    await listener.db.apiKey.update({ where: { id: key.id }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).text).toMatch(REFUSED);
  });

  it('keeps serving the sessions of the project\'s other keys', async () => {
    const doomed = await createSmtpKey(listener.db, project.id);
    const revokedSession = await authenticatedSession(listener.port, doomed.key);
    const otherSession = await authenticatedSession(listener.port, project.key);
    await revoke(listener.db, doomed.id);
    expect((await revokedSession.command(`MAIL FROM:<app@${project.domain}>`)).text).toMatch(REFUSED);
    const other = await otherSession.transaction(`app@${project.domain}`, ['ann@one.example'], message('other key'));
    expect(other.final?.text).toMatch(/^250 2\.0\.0 Ok: queued as msg_/);
  });
});
