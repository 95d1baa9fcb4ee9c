import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deriveFeedbackKeys, readUnsubscribeToken } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { startMxSink, type MxSink, type ReceivedMessage } from '@herald/test/support/mx-sink.ts';

const keys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));

/** The header block of a received message, unfolded. */
const headerOf = (raw: Buffer) => (raw.toString('latin1').split('\r\n\r\n')[0] as string).replace(/\r\n(?=[ \t])/g, '');
const fieldsNamed = (raw: Buffer, name: string) => headerOf(raw).split('\r\n').filter((line) => line.toLowerCase().startsWith(`${name.toLowerCase()}:`));

describe('one-click unsubscribe headers on delivered mail (RFC 8058, RFC 2369)', () => {
  let h: DeliveryHarness;
  let sink: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('unsub-headers');
    h.deps.settings = { ...h.deps.settings, publicUrl: 'https://mail.herald.test/base/', bounceHost: 'bounces.herald.test' };
    sink = await startMxSink({ behaviour: { rcpt: (address) => (address.startsWith('gone@') ? { code: 550, message: '5.1.1 no such user' } : undefined) } });
    h.routeDomain('list.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const copiesOf = (id: string) => sink.received.filter((m) => m.raw.toString('latin1').includes(id));

  it("gives each recipient a copy of its own in a transaction of its own, with its token in both forms, signed with DKIM over both headers", async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@list.test' }, { email: 'bob@list.test' }], cc: [{ email: 'cy@list.test' }], unsubscribe: true });
    await h.deliver(jobs[0] as never);
    const copies = copiesOf(id);
    expect(copies.map((c) => c.rcptTo)).toEqual([['ann@list.test'], ['bob@list.test'], ['cy@list.test']]);
    const recipients = await h.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
    expect(recipients.map((r) => r.status)).toEqual(['delivered', 'delivered', 'delivered']);

    for (const copy of copies) {
      const recipient = recipients.find((r) => r.email === copy.rcptTo[0]);
      const [listUnsubscribe, ...more] = fieldsNamed(copy.raw, 'List-Unsubscribe');
      expect(more).toEqual([]);
      const match = /^List-Unsubscribe: <https:\/\/mail\.herald\.test\/base\/unsubscribe\/([a-z0-9]{44})>, <mailto:unsubscribe\+([a-z0-9]{44})@bounces\.herald\.test>$/.exec(listUnsubscribe ?? '');
      expect(match, listUnsubscribe).not.toBeNull();
      const [, urlToken, mailToken] = match as RegExpExecArray;
      expect(urlToken).toBe(mailToken);
      expect(readUnsubscribeToken([keys.unsubscribe], urlToken as string)).toMatchObject({ ok: true, subject: { kind: 'recipient', id: recipient?.id } });
      expect(fieldsNamed(copy.raw, 'List-Unsubscribe-Post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);

      const signature = fieldsNamed(copy.raw, 'DKIM-Signature')[0] ?? '';
      const signed = (/\bh=([^;]+);/.exec(signature)?.[1] ?? '').replace(/\s/g, '').toLowerCase().split(':');
      expect(signed).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));
      expect((await verifyDkim(copy.raw, h.dns)).map((s) => s.result)).toEqual(['pass']);
      // the envelope names this recipient alone
      expect(copy.mailFrom).toMatch(new RegExp(`^bounces\\+.*${recipient?.id.slice(5) ?? 'none'}`, 'i'));
    }
    const tokens = copies.map((c) => /unsubscribe\/([a-z0-9]+)>/.exec(headerOf(c.raw))?.[1]);
    expect(new Set(tokens).size).toBe(3);
  });

  it('breaks the signature when the link is changed or a second List-Unsubscribe is added after signing', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'dee@list.test' }], unsubscribe: true });
    await h.deliver(jobs[0] as never);
    const [copy] = copiesOf(id) as [ReceivedMessage];
    const text = copy.raw.toString('latin1');
    const forged = Buffer.from(text.replace(/unsubscribe\/([a-z0-9])/, (_, c: string) => `unsubscribe/${c === 'a' ? 'b' : 'a'}`), 'latin1');
    expect((await verifyDkim(forged, h.dns)).map((s) => s.result)).toEqual(['fail']);
    const added = Buffer.from(text.replace('\r\n\r\n', '\r\nList-Unsubscribe: <https://evil.example/u>\r\n\r\n'), 'latin1');
    expect((await verifyDkim(added, h.dns)).map((s) => s.result)).toEqual(['fail']);
  });

  it("gives each recipient its own outcome: one refused at RCPT does not hold back the others' copies", async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'gone@list.test' }, { email: 'eve@list.test' }], unsubscribe: true });
    await h.deliver(jobs[0] as never);
    expect(copiesOf(id).map((c) => c.rcptTo)).toEqual([['eve@list.test']]);
    const recipients = await h.db.recipient.findMany({ where: { messageId: id }, orderBy: { email: 'asc' } });
    expect(recipients.map((r) => [r.email, r.status])).toEqual([
      ['eve@list.test', 'delivered'],
      ['gone@list.test', 'bounced'],
    ]);
  });

  it('sends a message without unsubscribe as before: one transaction for all, neither header', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'fay@list.test' }, { email: 'gus@list.test' }] });
    await h.deliver(jobs[0] as never);
    const copies = copiesOf(id);
    expect(copies.map((c) => c.rcptTo)).toEqual([['fay@list.test', 'gus@list.test']]);
    expect(headerOf(copies[0]?.raw as Buffer)).not.toMatch(/^List-Unsubscribe/im);
    expect((await verifyDkim(copies[0]?.raw as Buffer, h.dns)).map((s) => s.result)).toEqual(['pass']);
  });

  it('gives only the HTTPS link when there is no bounce host to receive the mailto', async () => {
    const settings = h.deps.settings;
    h.deps.settings = { ...settings, bounceHost: undefined };
    try {
      const { id, jobs } = await h.accept({ to: [{ email: 'hal@list.test' }], unsubscribe: true });
      await h.deliver(jobs[0] as never);
      const [copy] = copiesOf(id) as [ReceivedMessage];
      expect(fieldsNamed(copy.raw, 'List-Unsubscribe')[0]).toMatch(/^List-Unsubscribe: <https:\/\/mail\.herald\.test\/base\/unsubscribe\/[a-z0-9]{44}>$/);
      expect((await verifyDkim(copy.raw, h.dns)).map((s) => s.result)).toEqual(['pass']);
    } finally {
      h.deps.settings = settings;
    }
  });

  it('defers (4.3.5) rather than send without the headers while the worker has no HERALD_PUBLIC_URL', async () => {
    const settings = h.deps.settings;
    h.deps.settings = { ...settings, publicUrl: undefined };
    try {
      const { id, jobs } = await h.accept({ to: [{ email: 'ida@list.test' }], unsubscribe: true });
      const result = await h.deliver(jobs[0] as never);
      expect(result.retryAt).not.toBeNull();
      expect(copiesOf(id)).toEqual([]);
      const [recipient] = await h.db.recipient.findMany({ where: { messageId: id } });
      expect(recipient).toMatchObject({ status: 'deferred', lastEnhanced: '4.3.5' });
      expect(recipient?.lastReply).toMatch(/HERALD_PUBLIC_URL/);
    } finally {
      h.deps.settings = settings;
    }
  });
});
