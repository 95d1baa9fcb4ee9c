import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

interface EventView {
  id: string;
  type: string;
  recipient: string | null;
  created_at: string;
  attempt: number | null;
  smtp: { code: number | null; enhanced_code: string | null; message: string | null } | null;
  mx_host: string | null;
  tls: { version: string | null; cipher: string | null; verified: boolean | null } | null;
  dkim: { domain: string; selector: string; algorithm: string }[];
}

describe('message details: GET /v1/messages/{id}, /events and /raw', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  const get = (url: string, headers: Record<string, string> = project.auth) => api.app.inject({ method: 'GET', url, headers });
  const send = async (payload: Record<string, unknown>) => {
    const response = await api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `Desk <desk@${project.domain}>`, subject: 'Details', text: 'hello', ...payload },
    });
    expect(response.statusCode).toBe(202);
    return response.json<{ id: string }>().id;
  };

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'details');
    other = await seedProject(api.db, 'details-other');
  });
  afterAll(() => api.close());

  describe('GET /v1/messages/{id}', () => {
    it('shows the tags, metadata, send_at, and each recipient with its kind and status', async () => {
      await api.db.suppression.create({ data: { id: newId('suppression'), projectId: project.id, email: 'gone@two.example', reason: 'hard_bounce' } });
      const sendAt = new Date(Date.now() + 2 * 3_600_000);
      sendAt.setMilliseconds(0);
      const id = await send({
        to: ['ann@one.example', 'gone@two.example'],
        cc: 'Bob <bob@one.example>',
        bcc: 'audit@three.example',
        tags: ['invoice', 'eu'],
        metadata: { order_id: '42', 'customer.tier': 'gold' },
        send_at: sendAt.toISOString(),
      });

      const response = await get(`/v1/messages/${id}`);
      expect(response.statusCode).toBe(200);
      const message = response.json<{ recipients: unknown[]; events: EventView[] } & Record<string, unknown>>();
      expect(message).toMatchObject({
        id,
        status: 'scheduled',
        from: { email: `desk@${project.domain}`, name: 'Desk' },
        subject: 'Details',
        tags: ['invoice', 'eu'],
        metadata: { order_id: '42', 'customer.tier': 'gold' },
        send_at: sendAt.toISOString(),
        message_id: `${id}@${project.domain}`,
      });
      expect(message.size).toBeGreaterThan(0);
      expect(message.recipients).toEqual([
        { email: 'ann@one.example', kind: 'to', status: 'queued', attempts: 0, last_reply: null, next_attempt_at: null },
        { email: 'gone@two.example', kind: 'to', status: 'suppressed', attempts: 0, last_reply: null, next_attempt_at: null },
        { email: 'bob@one.example', kind: 'cc', status: 'queued', attempts: 0, last_reply: null, next_attempt_at: null },
        { email: 'audit@three.example', kind: 'bcc', status: 'queued', attempts: 0, last_reply: null, next_attempt_at: null },
      ]);
      expect(message.events.map((e) => [e.type, e.recipient]).sort()).toEqual([
        ['scheduled', 'ann@one.example'],
        ['scheduled', 'audit@three.example'],
        ['scheduled', 'bob@one.example'],
        ['suppressed', 'gone@two.example'],
      ]);
    });

    it('shows send_at null, no tags and empty metadata for a message sent at once', async () => {
      const id = await send({ to: 'ann@one.example' });
      const message = (await get(`/v1/messages/${id}`)).json<Record<string, unknown>>();
      expect(message).toMatchObject({ status: 'queued', tags: [], metadata: {}, send_at: null });
    });

    it("answers 404 to another project's id", async () => {
      const id = await send({ to: 'ann@one.example' });
      const response = await get(`/v1/messages/${id}`, other.auth);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
    });
  });

  describe('GET /v1/messages/{id}/events', () => {
    it('returns the whole timeline oldest first, ordered by time rather than by id', async () => {
      const id = await send({ to: 'ann@one.example' });
      const recipient = await api.db.recipient.findFirstOrThrow({ where: { messageId: id } });
      const queuedAt = (await api.db.event.findFirstOrThrow({ where: { messageId: id } })).createdAt;
      const at = (minutes: number) => new Date(queuedAt.getTime() + minutes * 60_000);
      const common = { projectId: project.id, messageId: id, recipientId: recipient.id, email: recipient.email, mxHost: 'mx.one.example', mxIp: '192.0.2.1' };
      // written newest first, so a list ordered by id would come out backwards
      await api.db.event.create({
        data: { ...common, id: newId('event'), type: 'delivered', attempt: 2, smtpCode: 250, enhancedCode: '2.0.0', smtpReply: '250 2.0.0 OK', tlsVersion: 'TLSv1.3', tlsCipher: 'TLS_AES_256_GCM_SHA384', tlsVerified: true, createdAt: at(6),
          // as the worker's outcome writer records the keys that signed the attempt
          data: { dkim: [{ domain: 'one.example', selector: 'hr2026a', algorithm: 'rsa-sha256' }] } },
      });
      await api.db.event.create({
        data: { ...common, id: newId('event'), type: 'deferred', attempt: 1, smtpCode: 451, enhancedCode: '4.7.1', smtpReply: '451 4.7.1 Try later', createdAt: at(1) },
      });

      const response = await get(`/v1/messages/${id}/events`);
      expect(response.statusCode).toBe(200);
      const events = response.json<{ data: EventView[] }>().data;
      expect(events.map((e) => e.type)).toEqual(['queued', 'deferred', 'delivered']);
      expect(events.map((e) => e.created_at)).toEqual([queuedAt.toISOString(), at(1).toISOString(), at(6).toISOString()]);
      expect(events[0]).toMatchObject({ recipient: 'ann@one.example', attempt: null, smtp: null, mx_host: null, tls: null, dkim: [] });
      expect(events[1]).toMatchObject({ attempt: 1, smtp: { code: 451, enhanced_code: '4.7.1', message: '451 4.7.1 Try later' }, tls: null, dkim: [] });
      expect(events[2]).toMatchObject({
        attempt: 2,
        smtp: { code: 250, enhanced_code: '2.0.0', message: '250 2.0.0 OK' },
        mx_host: 'mx.one.example',
        tls: { version: 'TLSv1.3', cipher: 'TLS_AES_256_GCM_SHA384', verified: true },
        dkim: [{ domain: 'one.example', selector: 'hr2026a', algorithm: 'rsa-sha256' }],
      });
      // the message's own view carries the same timeline
      const detail = (await get(`/v1/messages/${id}`)).json<{ events: EventView[] }>();
      expect(detail.events.at(-1)).toMatchObject({ type: 'delivered', dkim: [{ selector: 'hr2026a' }] });
    });

    it("answers 404 to another project's id and to an id that does not exist", async () => {
      const id = await send({ to: 'ann@one.example' });
      const theirs = await get(`/v1/messages/${id}/events`, other.auth);
      expect(theirs.statusCode).toBe(404);
      expect(theirs.json()).toMatchObject({ error: { code: 'not_found' } });
      expect(theirs.body).not.toContain('ann@one.example');
      const missing = await get('/v1/messages/msg_00000000000000000000000000/events');
      expect(missing.statusCode).toBe(404);
    });
  });

  describe('GET /v1/messages/{id}/raw', () => {
    it('returns the stored message as message/rfc822, byte for byte, with its non-ASCII subject and body as encoded at intake', async () => {
      const id = await send({ to: 'ann@one.example', subject: 'Grüße aus Köln — 東京 ✓', text: 'Ünïcödé body\n.leading dot\n' });
      const response = await get(`/v1/messages/${id}/raw`);
      expect(response.statusCode).toBe(200);
      expect(response.headers['content-type']).toMatch(/^message\/rfc822/);
      expect(response.headers['content-disposition']).toBe(`inline; filename="${id}.eml"`);
      const stored = await api.db.message.findUniqueOrThrow({ where: { id }, select: { content: true, rawSize: true } });
      const storedBytes = Buffer.from(stored.content?.raw as Uint8Array);
      expect(response.rawPayload.equals(storedBytes)).toBe(true);
      expect(response.rawPayload.length).toBe(stored.rawSize);
      expect(response.rawPayload.toString('latin1')).toContain(`Message-ID: <${id}@${project.domain}>\r\n`);
      expect(response.rawPayload.toString('latin1')).toMatch(/^Subject: =\?UTF-8\?/m);
    });

    it('returns 8-bit content untouched, even bytes that are not valid UTF-8', async () => {
      const id = await send({ to: 'ann@one.example' });
      // an 8BITMIME message as SMTP submission may store it: raw UTF-8 and a stray latin-1 byte
      const eightBit = Buffer.concat([
        Buffer.from('Subject: Grüße\r\nContent-Transfer-Encoding: 8bit\r\n\r\nÜnïcödé 東京\r\n'),
        Buffer.from([0xff, 0xfe, 0x80, 0x0d, 0x0a]),
      ]);
      await api.db.message.update({ where: { id }, data: { content: { update: { raw: new Uint8Array(eightBit) } }, rawSize: eightBit.length } });
      const response = await get(`/v1/messages/${id}/raw`);
      expect(response.statusCode).toBe(200);
      expect(response.rawPayload.equals(eightBit)).toBe(true);
    });

    it("answers 404 to another project's id", async () => {
      const id = await send({ to: 'ann@one.example', text: 'PRIVATE-CONTENT' });
      const response = await get(`/v1/messages/${id}/raw`, other.auth);
      expect(response.statusCode).toBe(404);
      expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
      expect(response.body).not.toContain('PRIVATE-CONTENT');
    });

    it('answers 404 once retention has removed the content, while the message itself is still shown', async () => {
      const id = await send({ to: 'ann@one.example' });
      expect((await get(`/v1/messages/${id}/raw`)).statusCode).toBe(200);
      await api.db.message.update({ where: { id }, data: { content: { delete: true } } });
      const response = await get(`/v1/messages/${id}/raw`);
      expect(response.statusCode).toBe(404);
      expect(response.json<{ error: { code: string; message: string } }>().error).toMatchObject({ code: 'not_found', message: expect.stringContaining('retention') as string });
      expect((await get(`/v1/messages/${id}`)).statusCode).toBe(200);
    });
  });

  it('refuses a send-only key on the details, events and raw endpoints with 403 naming messages:read', async () => {
    const id = await send({ to: 'ann@one.example' });
    const sendOnly = await createScopedKey(api.db, project.id, ['messages:send']);
    for (const url of [`/v1/messages/${id}`, `/v1/messages/${id}/events`, `/v1/messages/${id}/raw`]) {
      const response = await get(url, sendOnly);
      expect(response.statusCode).toBe(403);
      expect(response.json()).toMatchObject({ error: { code: 'insufficient_scope', details: [{ field: 'scope', message: 'missing messages:read' }] } });
    }
  });
});
