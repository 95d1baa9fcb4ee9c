import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMessage } from '../mime/build-message.ts';
import type { RenderedTemplate } from './render-template.ts';
import { RECEIPT_HTML, RECEIPT_SUBJECT, receiptVariables } from './template-fixture.ts';
import { rendered } from './template-test-support.ts';

/** The rendered template as a message, read back by mailparser as a mail client reads it. */
async function asReceived(out: RenderedTemplate) {
  const raw = buildMessage({
    from: { email: 'orders@shop.example', name: 'Shop & Co' },
    to: [{ email: 'ann@example.org' }],
    subject: out.subject,
    html: out.html,
    text: out.text,
  }, { messageId: 'msg_1@shop.example', date: new Date('2026-01-02T09:30:00Z') });
  return simpleParser(raw);
}

describe('a rendered template, as a mail client sees it', () => {
  it('has the subject, the HTML with its CSS inlined and the text part, each as rendered', async () => {
    const out = rendered({ subject: RECEIPT_SUBJECT, html: RECEIPT_HTML }, receiptVariables(2));
    const mail = await asReceived(out);
    expect(mail.subject).toBe('Your Shop & Co order #10002');
    expect(mail.html).toBe(out.html);
    expect(mail.text).toBe(out.text);
    expect(mail.html).toContain('<h1 style="font-size: 22px; color: #333333; margin: 0 0 12px;">Hi Ann 2,</h1>');
    expect(mail.html).toContain('font-size: 14px;">Item &lt;3&gt; &amp; more</td>');
    expect(mail.html).toMatch(/<style>\s*@media only screen and \(max-width: 600px\)/);
    expect(mail.text).toContain('Track your order [https://track.example/p/2?ref=mail&lang=en]');
    expect(mail.text).toContain('Item <3> & more × 3 €32.90');
    expect(mail.text).not.toContain('Your order #10002 is confirmed.'); // the hidden preheader
  });

  it('carries a subject in any script, encoded and read back whole', async () => {
    const mail = await asReceived(rendered({ subject: 'Ihre Bestellung {{n}} ✓ — {{name}}', html: '<p>x</p>' }, { n: 7, name: '山田' }));
    expect(mail.subject).toBe('Ihre Bestellung 7 ✓ — 山田');
  });

  it('keeps a hostile variable as text in every part: no header, no markup, no extra part', async () => {
    const hostile = '</p><script>x()</script>\r\n\r\n--boundary\r\nContent-Type: text/html\r\n\r\n<h1>fake</h1>';
    const mail = await asReceived(rendered({ subject: 'Hi', html: '<p>{{v}}</p>', text: 'Note: {{v}}' }, { v: hostile }));
    expect(mail.html).toBe('<p>&lt;/p&gt;&lt;script&gt;x()&lt;/script&gt;\n\n--boundary\nContent-Type: text/html\n\n&lt;h1&gt;fake&lt;/h1&gt;</p>');
    expect(mail.text).toBe(`Note: ${hostile.replace(/\r\n/g, '\n')}`);
    expect(mail.attachments).toEqual([]);
    expect(mail.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });
  });
});
