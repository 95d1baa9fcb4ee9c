import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { startSubmissionListener, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/** What an application using nodemailer sees: AUTH under TLS, then the same commit as the API. */
describe('SMTP submission with nodemailer', () => {
  let listener: SubmissionListener;
  let project: TestProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await seedProject(listener.db, 'smtp-nm');
  });
  afterAll(() => listener.close());

  const transport = (options: { implicitTls?: boolean; method?: 'PLAIN' | 'LOGIN'; user?: string } = {}) =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: options.implicitTls ? listener.tlsPort : listener.port,
      secure: options.implicitTls ?? false,
      requireTLS: !options.implicitTls, // STARTTLS or fail
      auth: { user: options.user ?? 'herald', pass: project.key, method: options.method ?? 'PLAIN' },
      tls: { rejectUnauthorized: false }, // the test certificate is self-signed
    });

  /** Sends raw bytes as given (nodemailer adds nothing to a raw message). */
  const sendRaw = (from: string, to: string[], lines: string[]) =>
    transport().sendMail({ envelope: { from, to }, raw: `${lines.join('\r\n')}\r\n` });

  const queuedId = (response: string) => /^250 2\.0\.0 Ok: queued as (msg_\w+)$/.exec(response)?.[1];

  const stored = (id: string) =>
    listener.db.message.findUniqueOrThrow({ where: { id }, include: { recipients: { orderBy: { email: 'asc' } }, content: true } });

  it.each([
    { method: 'PLAIN' as const, implicitTls: false, user: 'herald' },
    { method: 'LOGIN' as const, implicitTls: false, user: 'herald' },
    { method: 'PLAIN' as const, implicitTls: true, user: 'herald' },
    { method: 'LOGIN' as const, implicitTls: true, user: 'any-name@app.example' },
  ])('accepts AUTH $method with an API key as password (user "$user", implicit TLS: $implicitTls) and answers 250 with the committed message id', async ({ method, implicitTls, user }) => {
    const info = await transport({ method, implicitTls, user }).sendMail({
      from: `App <app@${project.domain}>`,
      to: 'ann@one.example',
      subject: `auth ${method}`,
      text: 'hello',
    });
    const id = queuedId(info.response);
    expect(id, info.response).toMatch(/^msg_/);
    const message = await stored(id as string);
    expect(message).toMatchObject({ projectId: project.id, apiKeyId: project.apiKeyId, source: 'smtp', subject: `auth ${method}`, fromEmail: `app@${project.domain}` });
    expect(listener.jobs.filter((j) => j.data.messageId === id)).toEqual([{ data: { messageId: id, domain: 'one.example' }, delayMs: 0, batch: expect.stringMatching(/^batch_/) as unknown }]);
  });

  it('stores the message without X-Herald-*, Bcc and Return-Path headers, with to/cc/bcc recipients, tags and metadata from the headers, and one job per recipient domain', async () => {
    const info = await sendRaw(`news@${project.domain}`, ['ann@one.example', 'bob@two.example', 'carl@one.example', 'dora@three.example'], [
      `From: Newsletter <news@${project.domain}>`,
      'To: Ann <ann@one.example>',
      'Cc: bob@two.example, Carl <carl@one.example>',
      'Bcc: dora@three.example',
      'Return-Path: <bounce@elsewhere.example>',
      'Subject: Welcome aboard',
      'X-Herald-Tags: welcome, onboarding',
      'X-Herald-Metadata-Order: 42',
      'X-Herald-Metadata-user.id: u-7',
      'X-Custom: kept',
      '',
      'Hello there.',
    ]);
    const id = queuedId(info.response) as string;
    expect(info.response).toBe(`250 2.0.0 Ok: queued as ${id}`);
    const message = await stored(id);
    const raw = Buffer.from(message.content?.raw as Uint8Array).toString('latin1');
    expect(raw).not.toMatch(/^X-Herald-/im);
    expect(raw).not.toMatch(/^Bcc:/im);
    expect(raw).not.toMatch(/^Return-Path:/im);
    expect(raw).not.toContain('dora@three.example');
    expect(raw).toMatch(/^X-Custom: kept$/m);
    expect(raw).toMatch(/\r\n\r\nHello there\.\r\n$/);
    expect(message).toMatchObject({
      source: 'smtp',
      status: 'queued',
      subject: 'Welcome aboard',
      fromEmail: `news@${project.domain}`,
      fromName: 'Newsletter',
      tags: ['welcome', 'onboarding'],
      metadata: { Order: '42', 'user.id': 'u-7' },
      rawSize: Buffer.byteLength(raw, 'latin1'),
    });
    expect(message.recipients.map((r) => [r.email, r.kind, r.status])).toEqual([
      ['ann@one.example', 'to', 'queued'],
      ['bob@two.example', 'cc', 'queued'],
      ['carl@one.example', 'cc', 'queued'],
      ['dora@three.example', 'bcc', 'queued'],
    ]);
    const domains = listener.jobs.filter((j) => j.data.messageId === id).map((j) => j.data.domain);
    expect(domains.sort()).toEqual(['one.example', 'three.example', 'two.example']);
  });

  it('adds a Message-ID on the sending domain to a message without one, and a Date', async () => {
    const info = await sendRaw(`app@${project.domain}`, ['ann@one.example'], [`From: app@${project.domain}`, 'To: ann@one.example', 'Subject: no id', '', 'Body']);
    const id = queuedId(info.response) as string;
    const message = await stored(id);
    const raw = Buffer.from(message.content?.raw as Uint8Array).toString('latin1');
    expect(message.messageIdHeader).toBe(`${id}@${project.domain}`);
    expect(raw.match(/^Message-ID:.*$/gim)).toEqual([`Message-ID: <${id}@${project.domain}>`]);
    expect(raw).toMatch(/^Date: .+\+0000$/m);
  });

  it('keeps the Message-ID a message already has', async () => {
    const info = await sendRaw(`app@${project.domain}`, ['ann@one.example'], [
      `From: app@${project.domain}`,
      'To: ann@one.example',
      'Message-ID: <order-1234.5678@app.example>',
      'Date: Tue, 03 Nov 2026 10:00:00 +0100',
      'Subject: with id',
      '',
      'Body',
    ]);
    const message = await stored(queuedId(info.response) as string);
    const raw = Buffer.from(message.content?.raw as Uint8Array).toString('latin1');
    expect(message.messageIdHeader).toBe('order-1234.5678@app.example');
    expect(raw.match(/^Message-ID:.*$/gim)).toEqual(['Message-ID: <order-1234.5678@app.example>']);
    expect(raw.match(/^Date:.*$/gim)).toEqual(['Date: Tue, 03 Nov 2026 10:00:00 +0100']);
  });

  it('answers a resubmission with the same X-Herald-Idempotency-Key with the first message id, storing and enqueueing it once', async () => {
    const lines = [
      `From: app@${project.domain}`,
      'To: ann@one.example',
      'Message-ID: <retry-1@app.example>',
      'Date: Tue, 03 Nov 2026 10:00:00 +0100',
      'Subject: once',
      'X-Herald-Idempotency-Key: order-42-receipt',
      '',
      'Your receipt',
    ];
    const first = await sendRaw(`app@${project.domain}`, ['ann@one.example'], lines);
    const second = await sendRaw(`app@${project.domain}`, ['ann@one.example'], lines);
    const id = queuedId(first.response) as string;
    expect(id).toMatch(/^msg_/);
    expect(second.response).toBe(first.response);
    expect(await listener.db.message.count({ where: { projectId: project.id, idempotencyKey: 'order-42-receipt' } })).toBe(1);
    expect(listener.jobs.filter((j) => j.data.messageId === id)).toHaveLength(1);
    const raw = Buffer.from((await stored(id)).content?.raw as Uint8Array).toString('latin1');
    expect(raw).not.toMatch(/^X-Herald-Idempotency-Key/im);

    // the same key with other content is a conflict, not a replay: refused, nothing stored
    const changed = sendRaw(`app@${project.domain}`, ['ann@one.example'], lines.map((l) => (l === 'Your receipt' ? 'Another text' : l)));
    await expect(changed).rejects.toMatchObject({ responseCode: 554 });
    expect(await listener.db.message.count({ where: { projectId: project.id, idempotencyKey: 'order-42-receipt' } })).toBe(1);
  });
});
