import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addressesOf, headerSection, headerValue, linesLongerThan, parseDelivered } from '../support/delivered-mail.ts';
import { verifyDkim } from '../support/dkim-verify.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import type { ReceivedMessage } from '../support/mx-sink.ts';
import { expectedReturnPath } from '../support/return-path.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
/** PDF-like bytes with every byte value in them, so any re-encoding shows. */
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1'), randomBytes(4096), Buffer.from('\n%%EOF\n')]);

/**
 * A message with everything the API accepts — to, cc and bcc, reply-to, names and a subject in several
 * scripts, text and HTML with an inline image, an attachment, custom headers, tags and metadata — sent
 * over HTTP to Herald running as separate processes, and read at the recipient's MX as a mail client
 * reads it.
 */
describe('a rich message sent over HTTP arrives intact and DKIM-signed', () => {
  let stack: HeraldStack;

  beforeAll(async () => {
    stack = await startHeraldStack({ label: 'rich' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  /** Sends the body, expects 202, and returns the message once it is delivered, with its one copy at the sink. */
  async function sendAndDeliver(body: Record<string, unknown>): Promise<{ id: string; received: ReceivedMessage }> {
    const response = await stack.send(body);
    expect(response.status, await response.clone().text()).toBe(202);
    const { id } = (await response.json()) as { id: string };
    await stack.waitForStatus(id, 'delivered');
    const copies = stack.receivedCopies(id);
    expect(copies).toHaveLength(1);
    const signatures = await verifyDkim(copies[0]?.raw as Buffer, stack.dns);
    expect(signatures).toEqual([expect.objectContaining({ domain: stack.senderDomain, result: 'pass', algorithm: 'rsa-sha256' })]);
    return { id, received: copies[0] as ReceivedMessage };
  }

  it('delivers to, cc and bcc in one transaction, hides the bcc, and keeps names, subject, bodies, inline image, attachment and headers intact', async () => {
    const { senderDomain, recipientDomain } = stack;
    const from = { email: `hello@${senderDomain}`, name: 'Herald Рассылка – 東京' };
    const to = { email: `zoe@${recipientDomain}`, name: 'Zoë Ärger' };
    const cc = { email: `yamada@${recipientDomain}`, name: '山田太郎' };
    const bcc = `hidden-auditor-${randomBytes(3).toString('hex')}@${recipientDomain}`;
    const replyTo = { email: `support@${senderDomain}`, name: 'Поддержка Support' };
    const subject = 'Grüße – 東京 – Привет 🚀';
    const cid = `logo.${randomBytes(3).toString('hex')}@herald.test`;
    const text = 'Grüße aus 東京!\nПривет, Zoë 🚀\n\nΚαλημέρα — 안녕하세요';
    const html = `<h1>Grüße aus 東京!</h1><p>Привет, Zoë 🚀</p><p><img src="cid:${cid}" alt="logo"></p>`;
    const headers = {
      'X-Entity-Ref': `order-${randomBytes(6).toString('hex')}`,
      'List-Unsubscribe': `<mailto:unsubscribe@${senderDomain}?subject=unsubscribe>, <https://${senderDomain}/unsubscribe/abc123>`,
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
    };
    const tags = ['welcome', 'rich-e2e'];
    const metadata = { user_id: '42', 'plan.tier': 'pro', note: 'Grüße 東京' };

    const { id, received } = await sendAndDeliver({
      from,
      to: `${to.name} <${to.email}>`,
      cc: [cc],
      bcc,
      reply_to: replyTo,
      subject,
      text,
      html,
      attachments: [
        { filename: 'logo.png', content: PNG.toString('base64'), content_type: 'image/png', content_id: cid },
        { filename: 'Rechnung Nr. 42 – Größe.pdf', content: PDF.toString('base64'), content_type: 'application/pdf' },
      ],
      headers,
      tags,
      metadata,
    });

    // the envelope: one transaction carrying every recipient, the bcc among them; the return path
    // names the message (VERP), on the sending domain
    expect(received.mailFrom).toBe(expectedReturnPath('message', id, from.email.split('@')[1] as string));
    expect([...received.rcptTo].sort()).toEqual([to.email, cc.email, bcc].sort());
    expect(received.secure).toBe(true);
    // ...but the bcc is nowhere in what the recipients read
    expect(received.raw.toString('latin1').toLowerCase()).not.toContain(bcc.split('@')[0]);
    expect(headerSection(received.raw)).not.toMatch(/^bcc:/im);

    const mail = await parseDelivered(received.raw);
    expect(mail.messageId).toBe(`<${id}@${senderDomain}>`);
    expect(mail.subject).toBe(subject);
    expect(addressesOf(mail.from)).toEqual([{ address: from.email, name: from.name }]);
    expect(addressesOf(mail.to)).toEqual([{ address: to.email, name: to.name }]);
    expect(addressesOf(mail.cc)).toEqual([{ address: cc.email, name: cc.name }]);
    expect(mail.bcc).toBeUndefined();
    expect(addressesOf(mail.replyTo)).toEqual([{ address: replyTo.email, name: replyTo.name }]);
    for (const [name, value] of Object.entries(headers)) expect(headerValue(mail, name), name).toBe(value);

    expect(mail.text).toBe(text);
    expect(mail.html).toBe(html);
    expect(mail.attachments).toHaveLength(2);
    const [image, pdf] = [mail.attachments.find((a) => a.contentType === 'image/png'), mail.attachments.find((a) => a.contentType === 'application/pdf')];
    expect(image).toMatchObject({ cid, contentId: `<${cid}>`, related: true, contentDisposition: 'inline', filename: 'logo.png' });
    expect(image?.content.equals(PNG)).toBe(true);
    expect(pdf).toMatchObject({ filename: 'Rechnung Nr. 42 – Größe.pdf', contentDisposition: 'attachment' });
    expect(pdf?.related).toBeFalsy();
    expect(pdf?.content.equals(PDF)).toBe(true);

    // what the API reports: every recipient delivered once, tags and metadata as sent
    const message = await stack.getMessage(id);
    expect(message).toMatchObject({ status: 'delivered', subject, from: { email: from.email, name: from.name }, tags, metadata });
    expect(message.recipients).toHaveLength(3);
    expect(message.recipients).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ email: to.email, kind: 'to', status: 'delivered' }),
        expect.objectContaining({ email: cc.email, kind: 'cc', status: 'delivered' }),
        expect.objectContaining({ email: bcc, kind: 'bcc', status: 'delivered' }),
      ]),
    );
    const deliveredTo = message.events.filter((e) => e.type === 'delivered').map((e) => e.recipient);
    expect(deliveredTo.sort()).toEqual([to.email, cc.email, bcc].sort());
  });

  it('delivers a body with dot-leading lines, bare CR, bare LF and a 2000-character line once, with no line over 998 octets, DKIM intact', async () => {
    const longLine = '0123456789'.repeat(200); // 2000 characters, no space to fold at
    const text = [
      '.a line starting with a dot',
      '..two dots',
      '.',
      `MAIL FROM:<smuggled@${stack.senderDomain}>\r\nRCPT TO:<victim@${stack.recipientDomain}>\r\nDATA`,
      'bare CR here\rafter the CR',
      'bare LF above and below\n',
      longLine,
      '.last line starts with a dot',
    ].join('\n');
    const before = stack.sink.received.length;

    const { received } = await sendAndDeliver({
      from: `hello@${stack.senderDomain}`,
      to: `dots@${stack.recipientDomain}`,
      subject: 'Edge cases in the body',
      text,
    });

    expect(stack.sink.received.length).toBe(before + 1); // nothing smuggled in as a second message
    expect(received.rcptTo).toEqual([`dots@${stack.recipientDomain}`]);
    expect(linesLongerThan(received.raw, 998)).toEqual([]);
    expect(received.raw.toString('latin1')).not.toMatch(/\r(?!\n)|(?<!\r)\n/);

    const mail = await parseDelivered(received.raw);
    // line endings normalised, every dot and every character kept; a single-part body ends with the
    // line break that ends the message's last line
    expect(mail.text).toBe(`${text.replace(/\r\n|\r|\n/g, '\n')}\n`);
  });
});
