import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { addDomain, newId } from '@herald/core';
import { countProjectRows, seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_MASTER_KEY, uniqueName } from '@herald/test/support/env.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { createSmtpKey, startSubmissionListener, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

const MAX_BYTES = 4_000;
const MAX_RECIPIENTS = 3;

describe('SMTP submission: sender domains, size, recipients and suppressions', () => {
  let listener: SubmissionListener;
  let project: TestProject;
  let stranger: TestProject;

  beforeAll(async () => {
    listener = await startSubmissionListener({ maxMessageBytes: MAX_BYTES, maxRecipients: MAX_RECIPIENTS });
    [project, stranger] = await Promise.all([seedProject(listener.db, 'smtp-rules'), seedProject(listener.db, 'smtp-stranger')]);
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener.close());

  const session = (key = project.key) => authenticatedSession(listener.port, key);
  const message = (from: string, extra = '') => `From: ${from}\r\nTo: ann@one.example\r\nSubject: rules\r\n${extra}\r\nbody`;
  const queuedId = (text = '') => /^250 2\.0\.0 Ok: queued as (msg_\w+)$/.exec(text)?.[1] as string;

  /** A second domain of the project, verified or not. */
  const extraDomain = async (projectId: string, verified: boolean) => {
    const name = `${uniqueName('smtp-extra')}.example`;
    const added = await addDomain(listener.db, Buffer.from(TEST_MASTER_KEY, 'base64'), projectId, name);
    if (verified) await listener.db.domain.update({ where: { id: added.id }, data: { status: 'verified', verifiedAt: new Date() } });
    return name;
  };

  it("refuses MAIL FROM on an unverified domain of the project, and on another project's verified domain, with 550 5.7.1", async () => {
    const unverified = await extraDomain(project.id, false);
    const client = await session();
    const mine = await client.command(`MAIL FROM:<app@${unverified}>`);
    expect(mine.text).toMatch(/^550 5\.7\.1 .*not verified/);
    const theirs = await client.command(`MAIL FROM:<app@${stranger.domain}>`);
    expect(theirs.text).toMatch(/^550 5\.7\.1 .*not a sending domain of this project/);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
  });

  it("refuses MAIL FROM outside a domain-limited key's domains with 550 5.7.1, and accepts it within", async () => {
    const other = await extraDomain(project.id, true);
    const limited = await createSmtpKey(listener.db, project.id, { domains: [project.domain] });
    const client = await session(limited.key);
    expect((await client.command(`MAIL FROM:<app@${other}>`)).text).toMatch(/^550 5\.7\.1 .*limited to/);
    expect((await client.command(`MAIL FROM:<app@${project.domain}>`)).code).toBe(250);
    // the same domain is fine for an unlimited key of the project
    const unlimited = await session();
    expect((await unlimited.command(`MAIL FROM:<app@${other}>`)).code).toBe(250);
  });

  it('refuses after DATA with 550 5.7.1 a From header on an unverified domain while MAIL FROM is fine, and stores nothing', async () => {
    const unverified = await extraDomain(project.id, false);
    const before = await countProjectRows(listener.db, project.id);
    const jobs = listener.jobs.length;
    const client = await session();
    const { mail, final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], message(`app@${unverified}`));
    expect(mail.code).toBe(250);
    expect(final?.text).toMatch(/^550 5\.7\.1 header\.from: .*not verified/);
    const theirs = await client.transaction(`app@${project.domain}`, ['ann@one.example'], message(`app@${stranger.domain}`));
    expect(theirs.final?.text).toMatch(/^550 5\.7\.1 /);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
    expect(listener.jobs).toHaveLength(jobs);
  });

  it("refuses after DATA with 550 5.7.1 a From header outside a domain-limited key's domains, and stores nothing", async () => {
    const other = await extraDomain(project.id, true);
    const limited = await createSmtpKey(listener.db, project.id, { domains: [project.domain] });
    const before = await countProjectRows(listener.db, project.id);
    const client = await session(limited.key);
    const { mail, final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], message(`Boss <ceo@${other}>`));
    expect(mail.code).toBe(250);
    expect(final?.text).toMatch(/^550 5\.7\.1 header\.from: .*limited to/);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
  });

  it('advertises SIZE in EHLO, refuses a declared SIZE over it at MAIL FROM and a bigger message after DATA with 552, storing nothing', async () => {
    const client = await RawSmtpClient.connect(listener.tlsPort, { tls: true });
    expect((await client.reply()).code).toBe(220);
    expect((await client.ehlo()).lines).toContain(`SIZE ${MAX_BYTES}`);
    expect((await client.authPlain('herald', project.key)).code).toBe(235);
    expect((await client.command(`MAIL FROM:<app@${project.domain}> SIZE=${MAX_BYTES + 1}`)).code).toBe(552);

    const before = await countProjectRows(listener.db, project.id);
    const big = message(`app@${project.domain}`) + `\r\n${'x'.repeat(76)}`.repeat(Math.ceil(MAX_BYTES / 78));
    const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], big);
    expect(final?.code).toBe(552);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
    // the session goes on: a message within the limit is accepted
    const small = await client.transaction(`app@${project.domain}`, ['ann@one.example'], message(`app@${project.domain}`));
    expect(small.final?.code).toBe(250);
  });

  it(`answers 452 4.5.3 to a RCPT TO beyond ${MAX_RECIPIENTS} recipients and sends the message to the ones accepted`, async () => {
    const client = await session();
    const to = ['a@one.example', 'b@one.example', 'c@two.example', 'd@two.example'];
    const { rcpt, final } = await client.transaction(`app@${project.domain}`, to, message(`app@${project.domain}`));
    expect(rcpt.map((r) => r.code)).toEqual([250, 250, 250, 452]);
    expect(rcpt[3]?.text).toMatch(/^452 4\.5\.3 /);
    const id = queuedId(final?.text);
    const recipients = await listener.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
    expect(recipients.map((r) => r.email)).toEqual(['a@one.example', 'b@one.example', 'c@two.example']);
  });

  it('accepts a suppressed recipient and records it as suppressed, enqueueing only the others', async () => {
    await listener.db.suppression.create({ data: { id: newId('suppression'), projectId: project.id, email: 'gone@three.example', reason: 'manual' } });
    const client = await session();
    const { rcpt, final } = await client.transaction(`app@${project.domain}`, ['gone@three.example', 'ann@one.example'], message(`app@${project.domain}`));
    expect(rcpt.map((r) => r.code)).toEqual([250, 250]);
    const id = queuedId(final?.text);
    expect(id).toMatch(/^msg_/);
    const recipients = await listener.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
    expect(recipients.map((r) => [r.email, r.status])).toEqual([
      ['ann@one.example', 'queued'],
      ['gone@three.example', 'suppressed'],
    ]);
    const events = await listener.db.event.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
    expect(events.map((e) => [e.email, e.type])).toEqual([
      ['ann@one.example', 'queued'],
      ['gone@three.example', 'suppressed'],
    ]);
    expect(listener.jobs.filter((j) => j.data.messageId === id).map((j) => j.data.domain)).toEqual(['one.example']);

    // only suppressed recipients: still accepted, recorded, and nothing to deliver
    const alone = await client.transaction(`app@${project.domain}`, ['gone@three.example'], message(`app@${project.domain}`));
    const aloneId = queuedId(alone.final?.text);
    expect(await listener.db.message.findUniqueOrThrow({ where: { id: aloneId } })).toMatchObject({ status: 'suppressed' });
    expect(listener.jobs.filter((j) => j.data.messageId === aloneId)).toEqual([]);
  });
});
