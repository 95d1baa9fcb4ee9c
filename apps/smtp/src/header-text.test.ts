import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countProjectRows } from '@herald/test/support/api-app.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, storedMessages, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

/** The bytes of a UTF-8 string as the raw client writes them (one latin1 char per byte). */
const utf8 = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

/**
 * Header fields Herald stores as text, each spoiled in a way Postgres refuses (NUL) or that could only
 * be stored changed (bytes that are not UTF-8): [case, header fields to add or replace, field named].
 */
const SPOILED: [string, { subject?: string; from?: (domain: string) => string; headers?: string[] }, string][] = [
  ['a NUL byte in Subject', { subject: 'hello\0world' }, 'header.subject'],
  ['a NUL byte in an RFC 2047 encoded Subject', { subject: `=?UTF-8?B?${Buffer.from('hello\0world').toString('base64')}?=` }, 'header.subject'],
  ['a NUL byte in the From display name', { from: (d) => `"Ann\0Smith" <app@${d}>` }, 'header.from'],
  ['a NUL byte in X-Herald-Tags', { headers: ['X-Herald-Tags: one, t\0wo'] }, 'header.x-herald-tags'],
  ['a NUL byte in an X-Herald-Metadata value', { headers: ['X-Herald-Metadata-order: 12\x0034'] }, 'header.x-herald-metadata-order'],
  ['a NUL byte in X-Herald-Idempotency-Key', { headers: ['X-Herald-Idempotency-Key: key\0one'] }, 'header.x-herald-idempotency-key'],
  ['Latin-1 bytes in Subject', { subject: 'caf\xe9' }, 'header.subject'],
  ['a lone UTF-8 continuation byte in the From display name', { from: (d) => `Ann \x80 <app@${d}>` }, 'header.from'],
  ['a truncated UTF-8 sequence in X-Herald-Tags', { headers: ['X-Herald-Tags: caf\xc3'] }, 'header.x-herald-tags'],
  ['an invalid UTF-8 sequence in an X-Herald-Metadata value', { headers: ['X-Herald-Metadata-city: \xc3\x28rebro'] }, 'header.x-herald-metadata-city'],
  ['an overlong UTF-8 encoding in X-Herald-Idempotency-Key', { headers: ['X-Herald-Idempotency-Key: key-\xc0\xaf'] }, 'header.x-herald-idempotency-key'],
];

describe('SMTP submission: header fields stored as text', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-header-text');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  it.each(SPOILED)('refuses %s at the end of DATA with 554 5.6.0 naming the header, and stores and enqueues nothing', async (_name, spoil, field) => {
    const client = await authenticatedSession(listener.port, project.key);
    const before = await countProjectRows(listener.db, project.id);
    const jobs = listener.jobs.length;
    const data = rawMessage({
      from: spoil.from?.(project.domain) ?? `app@${project.domain}`,
      to: 'ann@one.example',
      subject: spoil.subject ?? 'header text',
      headers: spoil.headers,
    });
    const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
    expect(final?.text).toMatch(new RegExp(`^554 5\\.6\\.0 ${field.replace(/\./g, '\\.')}: `));
    expect(final?.text).toMatch(/NUL|not valid UTF-8/);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
    expect(listener.jobs).toHaveLength(jobs);
    // the session goes on
    expect((await client.command('NOOP')).code).toBe(250);
  });

  it('accepts raw UTF-8 in the header fields it stores (RFC 6532) and stores their text unchanged', async () => {
    const client = await authenticatedSession(listener.port, project.key);
    const data = rawMessage({
      from: utf8(`Zoë Ångström <app@${project.domain}>`),
      to: 'ann@one.example',
      subject: utf8('Grüße aus Köln ✓'),
      headers: [utf8('X-Herald-Metadata-city: Örebro')],
    });
    const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
    const id = /queued as (msg_\w+)$/.exec(final?.text ?? '')?.[1];
    expect(id, final?.text).toMatch(/^msg_/);
    const [stored] = (await storedMessages(listener.db, project.id)).filter((m) => m.id === id);
    expect(stored).toMatchObject({ subject: 'Grüße aus Köln ✓', fromName: 'Zoë Ångström', metadata: { city: 'Örebro' } });
  });
});
