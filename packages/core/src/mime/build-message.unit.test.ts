import libmime from 'libmime';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { buildMessage, scannedTextEntity, textEntity, type MessageContent } from './build-message.ts';
import { isSevenBitClean } from './seven-bit.ts';

const base: MessageContent = {
  from: { email: 'orders@shop.example' },
  to: [{ email: 'a@example.org' }],
  subject: 'Hello',
  text: 'Hi',
};
const stamp = { messageId: 'msg_1@shop.example', date: new Date('2026-01-02T03:04:05Z') };

const build = (content: Partial<MessageContent>) => buildMessage({ ...base, ...content }, stamp);
/** The header block, unfolded. */
const headerOf = (raw: Buffer) => (raw.toString('latin1').split('\r\n\r\n')[0] as string).replace(/\r\n[ \t]+/g, ' ');

describe('composing a message', () => {
  it('reads back, through an independent parser, as every field that went in: names, subject, bodies, attachments, custom headers', async () => {
    const pdf = Buffer.from('%PDF-1.7 binary \x00\x01\xff', 'latin1');
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    const raw = build({
      from: { email: 'orders@shop.example', name: 'Über Shop' },
      to: [{ email: 'a@example.org', name: 'Doe, "Jane"' }, { email: 'b@example.org' }],
      cc: [{ email: 'c@example.org', name: '山田太郎' }],
      replyTo: [{ email: 'help@shop.example', name: 'Help' }],
      subject: 'Ihre Bestellung ✓ ist unterwegs',
      text: 'Line one\nLine two ü\r\n.leading dot',
      html: '<p>Hallo <img src="cid:logo@shop"></p>',
      headers: [['X-Campaign', 'spring-sale'], ['X-Note', 'für dich']],
      attachments: [
        { filename: 'Rechnung März.pdf', content: pdf, contentType: 'application/pdf' },
        { filename: 'logo.png', content: png, contentId: 'logo@shop' },
      ],
    });
    const parsed = await simpleParser(raw, { keepCidLinks: true });
    expect(parsed.from?.value).toEqual([{ address: 'orders@shop.example', name: 'Über Shop' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([
      { address: 'a@example.org', name: 'Doe, "Jane"' },
      { address: 'b@example.org', name: '' },
    ]);
    expect(parsed.cc && !Array.isArray(parsed.cc) ? parsed.cc.value : null).toEqual([{ address: 'c@example.org', name: '山田太郎' }]);
    expect(parsed.replyTo?.value).toEqual([{ address: 'help@shop.example', name: 'Help' }]);
    expect(parsed.subject).toBe('Ihre Bestellung ✓ ist unterwegs');
    expect(parsed.messageId).toBe('<msg_1@shop.example>');
    expect(parsed.date?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(parsed.text).toBe('Line one\nLine two ü\n.leading dot');
    expect(parsed.html).toBe('<p>Hallo <img src="cid:logo@shop"></p>');
    expect(parsed.headers.get('x-campaign')).toBe('spring-sale');
    expect(libmime.decodeWords(parsed.headers.get('x-note') as string)).toBe('für dich');
    const invoice = parsed.attachments.find((a) => a.filename === 'Rechnung März.pdf');
    const logo = parsed.attachments.find((a) => a.cid === 'logo@shop');
    expect(invoice).toMatchObject({ filename: 'Rechnung März.pdf', contentType: 'application/pdf', contentDisposition: 'attachment' });
    expect(invoice?.content.equals(pdf)).toBe(true);
    expect(logo).toMatchObject({ filename: 'logo.png', contentType: 'image/png', contentDisposition: 'inline', cid: 'logo@shop' });
    expect(logo?.content.equals(png)).toBe(true);
  });

  it('is 7-bit with CRLF line endings only and no line over 998 octets, whatever the input', () => {
    const raw = build({
      from: { email: 'orders@shop.example', name: 'Ä'.repeat(200) },
      subject: `${'x'.repeat(990)} ü`,
      text: `${'long line '.repeat(300)}\rbare CR\nbare LF ${'ü'.repeat(2000)}`,
      html: `<p>${'word '.repeat(1000)}</p>`,
      headers: [['X-Long', 'y'.repeat(998)]],
    });
    expect(isSevenBitClean(raw)).toBe(true);
    expect(raw.toString('latin1').replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('keeps ASCII text with lines of at most 998 octets as 7bit, long lines quoted-printable, mostly non-Latin text base64', () => {
    expect(build({ text: 'short lines\nonly' }).toString()).toContain('Content-Transfer-Encoding: 7bit\r\n\r\nshort lines\r\nonly');
    expect(build({ text: 'a'.repeat(1200) }).toString()).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(build({ text: 'Grüße aus Köln, wir freuen uns auf Ihren Besuch' }).toString()).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(build({ text: 'こんにちは、世界' }).toString()).toContain('Content-Transfer-Encoding: base64');
  });

  it('encodes printable ASCII text on its fast path exactly as the scan of its octets does', () => {
    const long = 'word '.repeat(300);
    const texts = [
      '',
      'short lines\nonly',
      'crlf\r\nlines\r\n',
      'bare\rCR and\nLF mixed\r\nwith CRLF',
      '\n\n\r\r\n',
      long,
      `${long}\n${long}=equals=\n`,
      `${'x'.repeat(998)}\n${'y'.repeat(999)}`,
      `${'z'.repeat(998)}\r\n${'z'.repeat(998)}`,
      `trailing space ${'a'.repeat(1000)} \ntrailing tab\t\n${'b'.repeat(1000)}\t`,
      `tabs\tinside ${'c'.repeat(74)} \r\n${'d'.repeat(75)}`,
      '.leading dot\n.\nend',
    ];
    for (const text of texts) {
      for (const type of ['text/plain', 'text/html'] as const) {
        expect(textEntity(type, text)).toEqual(scannedTextEntity(type, text));
        // told the text is plain (SendRequest.plainText), it encodes the same without scanning it
        expect(textEntity(type, text, true)).toEqual(scannedTextEntity(type, text));
      }
    }
  });

  it('chooses base64 exactly when more than a third of the octets are 8-bit, counting every octet of a character outside ASCII', () => {
    const encoding = (text: string) => /Content-Transfer-Encoding: (\S+)/.exec(textEntity('text/plain', text).fields)?.[1];
    // "é" is two 8-bit octets, "😀" (a surrogate pair) four: the boundary on either side of a third
    expect(encoding(`é${'a'.repeat(4)}`)).toBe('quoted-printable');
    expect(encoding(`é${'a'.repeat(3)}`)).toBe('base64');
    expect(encoding(`😀${'a'.repeat(8)}`)).toBe('quoted-printable');
    expect(encoding(`😀${'a'.repeat(7)}`)).toBe('base64');
    // line breaks made CRLF count as the octets they become; a control character does not make text 7bit
    expect(encoding(`€\n${'a'.repeat(4)}`)).toBe('quoted-printable');
    expect(encoding(`€\n${'a'.repeat(3)}`)).toBe('base64');
    expect(encoding(`ü\x00${'a'.repeat(3)}`)).toBe('quoted-printable');
    expect(encoding('\x00 only ASCII')).toBe('quoted-printable');
  });

  it('makes every line break of 8-bit text CRLF before it encodes it, and loses nothing', () => {
    const decodeQp = (body: string) =>
      Buffer.from(body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8');
    const texts = [
      `Mug × 2\nTea × 1\n${'a = b '.repeat(40)}\n`,
      'bare\rCR — and\nLF\r\nmixed\n\n',
      `${'é'.repeat(10)}\n${'x'.repeat(1200)}\n`,
    ];
    for (const text of texts) {
      const entity = textEntity('text/plain', text);
      expect(entity.fields).toContain('Content-Transfer-Encoding: quoted-printable');
      expect(entity.body).not.toMatch(/\r(?!\n)|(?<!\r)\n/);
      expect(entity.body.split('\r\n').every((line) => line.length <= 76)).toBe(true);
      expect(decodeQp(entity.body)).toBe(text.replace(/\r\n|\r|\n/g, '\r\n'));
    }
  });

  it('never puts Bcc recipients in the headers', () => {
    const raw = build({ bcc: [{ email: 'hidden@example.org' }] } as Partial<MessageContent>).toString();
    expect(raw).not.toContain('hidden@example.org');
    expect(raw).not.toMatch(/^Bcc:/im);
  });

  it('writes a single part for text or HTML alone, and multipart/alternative for both', () => {
    expect(headerOf(build({ text: 'only text' }))).toContain('Content-Type: text/plain; charset=utf-8');
    expect(headerOf(build({ text: undefined, html: '<b>only</b>' }))).toContain('Content-Type: text/html; charset=utf-8');
    expect(headerOf(build({ html: '<b>both</b>' }))).toMatch(/Content-Type: multipart\/alternative;\s+boundary="=_herald_/);
  });

  it('puts inline images with the HTML in multipart/related, and treats them as attachments when there is no HTML', () => {
    const image = { filename: 'a.png', content: Buffer.from('png'), contentId: 'a@x' };
    expect(build({ html: '<img src="cid:a@x">', attachments: [image] }).toString()).toContain('multipart/related; type="text/html"');
    const textOnly = build({ attachments: [image] }).toString();
    expect(textOnly).toContain('multipart/mixed');
    expect(textOnly).not.toContain('multipart/related');
  });

  it('gives each message its own boundary', () => {
    const boundary = (raw: Buffer) => /boundary="([^"]+)"/.exec(raw.toString())?.[1];
    expect(boundary(build({ html: '<p>a</p>' }))).not.toBe(boundary(build({ html: '<p>a</p>' })));
  });

  it('quotes display names with specials and encodes the rest, keeping plain names as they are', () => {
    const header = headerOf(build({ to: [{ email: 'a@x.org', name: 'Jane Doe' }, { email: 'b@x.org', name: 'Doe, J. (Sales)' }, { email: 'c@x.org', name: 'Zoë' }] }));
    expect(header).toMatch(/^To: Jane Doe <a@x\.org>, "Doe, J\. \(Sales\)" <b@x\.org>, =\?UTF-8\?Q\?Zo=C3=AB\?= <c@x\.org>$/m);
  });

  it('writes an address with a UTF-8 local part in UTF-8 (RFC 6532), its display name still an encoded-word, and mailparser reads both back', async () => {
    const raw = build({
      from: { email: 'jürgen@shop.example', name: 'Jürgen' },
      to: [{ email: '用户@example.org', name: '用户' }, { email: 'δοκιμή@example.org' }, { email: 'plain@example.org' }],
      replyTo: [{ email: 'ответ@shop.example' }],
    });
    const header = raw.toString('latin1').split('\r\n\r\n')[0] as string;
    expect(header).toContain(`From: =?UTF-8?Q?J=C3=BCrgen?= <${Buffer.from('jürgen@shop.example').toString('latin1')}>\r\n`);
    expect(header).toContain(Buffer.from('To: =?UTF-8?B?55So5oi3?= <用户@example.org>, δοκιμή@example.org,').toString('latin1'));
    expect(header).toContain(Buffer.from('Reply-To: ответ@shop.example\r\n').toString('latin1'));
    // nothing but those addresses is 8-bit: the subject, the names and the body stay 7-bit
    expect(Buffer.from(header, 'latin1').toString('utf8').replace(/(jürgen|用户|δοκιμή|ответ)@/g, '@')).toMatch(/^[\t\r\n\x20-\x7e]*$/);
    const parsed = await simpleParser(raw);
    expect(parsed.from?.value).toEqual([{ address: 'jürgen@shop.example', name: 'Jürgen' }]);
    expect(parsed.to && !Array.isArray(parsed.to) ? parsed.to.value : null).toEqual([
      { address: '用户@example.org', name: '用户' },
      { address: 'δοκιμή@example.org', name: '' },
      { address: 'plain@example.org', name: '' },
    ]);
    expect(parsed.replyTo?.value).toEqual([{ address: 'ответ@shop.example', name: '' }]);
  });

  it('leaves a message without UTF-8 local parts 7-bit, international domains as A-labels', () => {
    const raw = build({ to: [{ email: 'ann@xn--bcher-kva.example', name: 'Zoë' }], subject: 'Grüße' });
    expect(isSevenBitClean(raw)).toBe(true);
  });

  it('folds a list of UTF-8 addresses by octets, not characters', () => {
    const to = Array.from({ length: 12 }, (_, i) => ({ email: `用户${i}@example.org` }));
    const raw = build({ to });
    const toField = /^To:[^]*?\r\n(?![ \t])/m.exec(raw.toString('latin1'))?.[0] ?? '';
    for (const line of toField.split('\r\n').filter(Boolean)) expect(line.length).toBeLessThanOrEqual(78);
    expect(toField.split('\r\n').length).toBeGreaterThan(2);
  });
});
