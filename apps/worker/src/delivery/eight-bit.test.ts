import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { verifyDkim } from '@herald/test/support/dkim-verify.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';

/**
 * Messages that reach the store 8-bit or with over-long lines (SMTP submission, raw imports): the
 * worker re-encodes them before signing, so a server without 8BITMIME gets 7-bit lines of at most 998
 * octets and the DKIM signature still verifies.
 */
describe('8-bit content and long lines', () => {
  let h: DeliveryHarness;
  let sink: MxSink;

  beforeAll(async () => {
    h = await startDeliveryHarness('eightbit');
    sink = await startMxSink({ behaviour: { eightBitMime: false } });
    h.routeDomain('seven.test', sink.host);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  it('re-encodes an 8-bit body with a long line for a server without 8BITMIME, and DKIM still verifies', async () => {
    const { id, jobs } = await h.accept({ to: [{ email: 'ann@seven.test' }] });
    const text = `Grüße aus Köln — 東京\r\n.leading dot\r\n${'x'.repeat(2500)}\r\nEnde.\r\n`;
    const raw = Buffer.from(
      [
        `From: sender@${h.senderDomain}`,
        'To: ann@seven.test',
        'Subject: raw 8-bit',
        `Message-ID: <${id}@${h.senderDomain}>`,
        'Date: Sat, 28 Nov 2026 10:00:00 +0000',
        'MIME-Version: 1.0',
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: 8bit',
        '',
        text,
      ].join('\r\n'),
      'utf8',
    );
    await h.db.message.update({ where: { id }, data: { content: { update: { raw: new Uint8Array(raw) } }, rawSize: raw.length } });

    await h.deliver(jobs[0] as never);

    const received = sink.received.at(-1)?.raw as Buffer;
    expect(received.toString('latin1')).toContain(`Message-ID: <${id}@`);
    expect([...received].every((byte) => byte < 0x80)).toBe(true);
    expect(received.toString('latin1').split('\r\n').every((line) => line.length <= 998)).toBe(true);
    expect(received.toString('latin1')).toMatch(/^Content-Transfer-Encoding: quoted-printable$/m);
    const [signature] = await verifyDkim(received, h.dns);
    expect(signature).toMatchObject({ domain: h.senderDomain, result: 'pass' });
    const parsed = await simpleParser(received);
    expect(parsed.text?.replace(/\n/g, '\r\n')).toBe(text);
  });
});
