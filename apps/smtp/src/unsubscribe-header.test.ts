import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { countProjectRows } from '@herald/test/support/api-app.ts';
import { authenticatedSession, RawSmtpClient } from '@herald/test/support/smtp-client.ts';
import { rawMessage, startSubmissionListener, type SmtpProject, type SubmissionListener } from '@herald/test/support/submission-listener.ts';

describe('SMTP submission: X-Herald-Unsubscribe', () => {
  let listener: SubmissionListener;
  let project: SmtpProject;

  beforeAll(async () => {
    listener = await startSubmissionListener();
    project = await listener.seed('smtp-unsubscribe');
  });
  afterEach(() => RawSmtpClient.destroyAll());
  afterAll(() => listener?.close());

  const submit = async (headers: string[]) => {
    const client = await authenticatedSession(listener.port, project.key);
    const data = rawMessage({ from: `app@${project.domain}`, to: 'ann@one.example', headers });
    const { final } = await client.transaction(`app@${project.domain}`, ['ann@one.example'], data);
    return { final, id: /queued as (msg_\w+)$/.exec(final?.text ?? '')?.[1] };
  };
  const stored = (id: string | undefined) => listener.db.message.findUniqueOrThrow({ where: { id: id ?? '' }, include: { content: true } });
  const setDefault = (value: boolean) => listener.db.domain.updateMany({ where: { projectId: project.id, name: project.domain }, data: { unsubscribeDefault: value } });

  it('stores true and false as the header says, and takes the header out of the message', async () => {
    for (const [header, value] of [['X-Herald-Unsubscribe: true', true], ['x-herald-unsubscribe:  FALSE ', false]] as const) {
      const { final, id } = await submit([header]);
      expect(final?.code, final?.text).toBe(250);
      const message = await stored(id);
      expect(message.unsubscribe).toBe(value);
      expect(Buffer.from(message.content?.raw as Uint8Array).toString('latin1')).not.toMatch(/x-herald-unsubscribe/i);
    }
  });

  it("falls back on the sending domain's default without the header, and the header overrides it", async () => {
    await setDefault(true);
    try {
      expect((await stored((await submit([])).id)).unsubscribe).toBe(true);
      expect((await stored((await submit(['X-Herald-Unsubscribe: false'])).id)).unsubscribe).toBe(false);
      // the message's own List-Unsubscribe stays the only one
      const own = await submit(['List-Unsubscribe: <mailto:leave@example.com>']);
      const message = await stored(own.id);
      expect(message.unsubscribe).toBe(false);
      expect(Buffer.from(message.content?.raw as Uint8Array).toString('latin1')).toMatch(/^List-Unsubscribe: <mailto:leave@example.com>$/m);
    } finally {
      await setDefault(false);
    }
    expect((await stored((await submit([])).id)).unsubscribe).toBe(false);
  });

  it.each([
    ['a value other than true or false', ['X-Herald-Unsubscribe: yes']],
    ['an empty value', ['X-Herald-Unsubscribe:']],
    ['the header twice', ['X-Herald-Unsubscribe: true', 'X-Herald-Unsubscribe: true']],
    ['true beside the message\'s own List-Unsubscribe', ['X-Herald-Unsubscribe: true', 'List-Unsubscribe: <https://example.com/u>']],
  ])('refuses %s with 554 5.6.0 naming the header, storing nothing', async (_what, headers) => {
    const before = await countProjectRows(listener.db, project.id);
    const { final } = await submit(headers);
    expect(final?.text).toMatch(/^554 5\.6\.0 header\.x-herald-unsubscribe: /);
    expect(await countProjectRows(listener.db, project.id)).toEqual(before);
  });
});
