import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyDkim } from '../support/dkim-verify.ts';
import { parseDelivered } from '../support/delivered-mail.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { waitFor } from '../support/wait-for.ts';

/** SMTP submission through real processes: `herald start smtp` next to the API and a worker. */
describe('SMTP submission end to end', () => {
  let stack: HeraldStack;

  beforeAll(async () => {
    stack = await startHeraldStack({ label: 'smtp', smtp: true });
  });
  afterAll(() => stack?.stop());

  const transport = () =>
    nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack.smtp?.port,
      secure: false,
      requireTLS: true,
      auth: { user: 'herald', pass: stack.apiKey },
      tls: { rejectUnauthorized: false }, // the development certificate is self-signed
    });

  it('delivers the same message sent over SMTP and over the API with the same DKIM-verified content', async () => {
    const content = {
      from: `Grüße Team <hello@${stack.senderDomain}>`,
      to: `ann@${stack.recipientDomain}`,
      subject: 'Same over both — 東京',
      text: 'The body.\n.dot-leading line\nEnd.',
    };
    const info = await transport().sendMail({ ...content, headers: { 'X-Herald-Tags': 'via-smtp', 'X-Herald-Metadata-Order': '42' } });
    const smtpId = /queued as (msg_\w+)/.exec(info.response)?.[1] as string;
    expect(smtpId).toMatch(/^msg_/);
    const api = await stack.send({ from: { email: `hello@${stack.senderDomain}`, name: 'Grüße Team' }, to: content.to, subject: content.subject, text: content.text });
    const apiId = ((await api.json()) as { id: string }).id;

    const viaSmtp = await waitFor('the SMTP message at the MX', () =>
      stack.sink.received.find((m) => m.raw.toString('latin1').includes(info.messageId.replace(/[<>]/g, ''))),
    );
    const viaApi = await stack.waitForReceived(apiId);
    for (const received of [viaSmtp, viaApi]) {
      expect(await verifyDkim(received.raw, stack.dns)).toEqual([expect.objectContaining({ domain: stack.senderDomain, result: 'pass' })]);
    }
    const [a, b] = await Promise.all([parseDelivered(viaSmtp.raw), parseDelivered(viaApi.raw)]);
    expect(a.subject).toBe(content.subject);
    expect(b.subject).toBe(content.subject);
    expect(a.from?.value[0]).toEqual(b.from?.value[0]);
    expect(a.text?.trim()).toBe(b.text?.trim());
    expect(viaSmtp.raw.toString('latin1')).not.toMatch(/^X-Herald-/im);

    const message = await stack.waitForStatus(smtpId, 'delivered');
    expect(message).toMatchObject({ tags: ['via-smtp'], metadata: { Order: '42' } });
  });
});
