import { simpleParser, type ParsedMail } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { toSevenBit } from './seven-bit.ts';
import { binaryContent, expectSevenBit, longestLine, message, split } from './seven-bit-test-support.ts';
import { decodeQuotedPrintable } from './transfer-encoding.ts';

const BASE = ['From: a@example.com', 'To: b@example.org', 'Subject: parts', 'MIME-Version: 1.0'];
const attachment = binaryContent(2000);

/** multipart/mixed: 8-bit text, multipart/alternative (7-bit text, 8-bit HTML), binary attachment. */
function mixedMessage(): Buffer {
  const part = (s: string) => Buffer.from(s, 'utf8');
  return message(
    [...BASE, 'Content-Type: multipart/mixed;\r\n boundary="outer=_1"'],
    Buffer.concat([
      part('This is a MIME preamble.\r\n--outer=_1\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
      part('Käse und Brötchen\r\n.\r\n--outer=_1\r\nContent-Type: multipart/alternative; boundary=inner\r\n\r\n--inner\r\n'),
      part('Content-Type: text/plain; charset=us-ascii\r\n\r\nplain text\r\n--inner\r\nContent-Type: text/html; charset=utf-8\r\n'),
      part('Content-Transfer-Encoding: 8bit\r\nX-Part: kept\r\n\r\n<p>Straße ☃</p>\r\n--inner--\r\n\r\n--outer=_1\r\n'),
      part('Content-Type: application/octet-stream; name="blob.bin"\r\nContent-Disposition: attachment; filename="blob.bin"\r\n'),
      part('Content-Transfer-Encoding: binary\r\n\r\n'),
      attachment,
      part('\r\n--outer=_1--\r\nepilogue\r\n'),
    ]),
  );
}

function content(parsed: ParsedMail) {
  return { text: parsed.text, html: parsed.html, attachments: parsed.attachments.map((a) => [a.filename, a.contentType, a.content.toString('base64')]) };
}

describe('a multipart message with 8-bit parts', () => {
  it('re-encodes each 8-bit part and keeps boundaries, preamble, epilogue and other headers byte-exact', async () => {
    const raw = mixedMessage();
    const result = toSevenBit(raw);
    expect(result.warnings).toEqual([]);
    expectSevenBit(result.raw, 76);
    const out = result.raw.toString('latin1');
    const delimiters = (text: string) => text.split('\r\n').filter((l) => l.startsWith('--'));
    expect(delimiters(out)).toEqual(delimiters(raw.toString('latin1')));
    expect(split(result.raw).header).toBe(split(raw).header);
    expect(out).toContain('\r\n\r\nThis is a MIME preamble.\r\n--outer=_1\r\n');
    expect(out).toContain('\r\n--outer=_1--\r\nepilogue\r\n');
    expect(out).toContain('Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\nK=C3=A4se');
    expect(out).toContain('Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\nX-Part: kept\r\n\r\n');
    expect(out).toContain('--inner\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nplain text\r\n--inner\r\n');
    expect(out).toContain('Content-Disposition: attachment; filename="blob.bin"\r\nContent-Transfer-Encoding: base64\r\n\r\n');
  });

  it('parses to the same text, HTML and attachment octets as the original', async () => {
    const raw = mixedMessage();
    const before = content(await simpleParser(raw));
    const after = content(await simpleParser(toSevenBit(raw).raw));
    expect(after).toEqual(before);
    expect(after.html).toContain('<p>Straße ☃</p>');
    expect(after.attachments[0]?.[2]).toBe(attachment.toString('base64'));
  });

  it('leaves 7-bit parts next to an 8-bit part byte-exact', () => {
    const seven = 'Content-Type: text/plain\r\n\r\njust ascii\r\n';
    const raw = message([...BASE, 'Content-Type: multipart/mixed; boundary=b'], `--b\r\n${seven}--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nü\r\n--b--\r\n`);
    expect(toSevenBit(raw).raw.toString('latin1')).toContain(`--b\r\n${seven}--b\r\n`);
  });
});

describe('an attached message (message/rfc822)', () => {
  it('is recursed into: its 8-bit body becomes quoted-printable and the part is labelled 7bit', async () => {
    const inner = 'From: c@example.net\r\nSubject: inner\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nÜberweisung erhalten\r\n';
    const raw = message(
      [...BASE, 'Content-Type: multipart/mixed; boundary=m'],
      `--m\r\nContent-Type: text/plain\r\n\r\nforwarded\r\n--m\r\nContent-Type: message/rfc822\r\nContent-Transfer-Encoding: 8bit\r\n\r\n${inner}--m--\r\n`,
    );
    const result = toSevenBit(raw);
    expectSevenBit(result.raw, 76);
    const out = result.raw.toString('latin1');
    expect(out).toContain('Content-Type: message/rfc822\r\nContent-Transfer-Encoding: 7bit\r\n\r\nFrom: c@example.net\r\n');
    expect(out).toContain('Content-Type: text/plain; charset=utf-8\r\nMIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n');
    const attached = (await simpleParser(result.raw)).attachments.find((a) => a.contentType === 'message/rfc822');
    expect(attached).toBeDefined();
    const parsedInner = await simpleParser(attached?.content ?? Buffer.alloc(0));
    expect(parsedInner.subject).toBe('inner');
    expect(parsedInner.text).toBe('Überweisung erhalten'); // the CRLF before "--m--" belongs to the delimiter
  });
});

describe('an attached message whose header keeps UTF-8 (RFC 6532 §3.7)', () => {
  it('becomes message/global, base64, so the enclosing message is 7-bit, and reads back as the original octets', async () => {
    const inner = Buffer.from('From: Jürgen <jürgen@example.net>\r\nTo: 用户@example.org\r\nSubject: Grüße\r\n\r\nHallo.\r\n', 'utf8');
    const raw = message(
      [...BASE, 'Content-Type: multipart/mixed; boundary=g'],
      Buffer.concat([
        Buffer.from('--g\r\nContent-Type: text/plain\r\n\r\nforwarded\r\n--g\r\nContent-Type: message/rfc822; name="fwd.eml"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n'),
        inner,
        Buffer.from('\r\n--g--\r\n'),
      ]),
    );
    const result = toSevenBit(raw);
    expect(result.warnings).toEqual([]);
    expectSevenBit(result.raw, 78);
    expect(result.raw.toString('latin1')).toContain('Content-Type: message/global; name="fwd.eml"\r\nContent-Transfer-Encoding: base64\r\n');
    const attached = (await simpleParser(result.raw)).attachments.find((a) => a.contentType === 'message/global');
    expect(attached?.content.equals(inner)).toBe(true);
  });

  it('stays message/rfc822 when its UTF-8 can all be encoded (names, subject)', () => {
    const inner = 'From: Jürgen <j@example.net>\r\nSubject: Grüße\r\n\r\nx\r\n';
    const raw = message([...BASE, 'Content-Type: multipart/mixed; boundary=g'], `--g\r\nContent-Type: message/rfc822\r\n\r\n${inner}--g--\r\n`);
    const result = toSevenBit(raw);
    expectSevenBit(result.raw);
    expect(result.raw.toString('latin1')).toContain('Content-Type: message/rfc822\r\n\r\nFrom: =?UTF-8?Q?J=C3=BCrgen?= <j@example.net>\r\n');
  });
});

describe('malformed MIME', () => {
  it('re-encodes the parts of a multipart with no close delimiter, the last part running to the end', async () => {
    const raw = message([...BASE, 'Content-Type: multipart/mixed; boundary=open'], '--open\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nnever closed: ü\r\n');
    const result = toSevenBit(raw);
    expectSevenBit(result.raw, 76);
    expect(result.warnings).toEqual(['message: multipart has no close delimiter: its last part runs to the end']);
    expect((await simpleParser(result.raw)).text).toBe('never closed: ü\n');
  });

  it('treats a multipart whose boundary is never found as one quoted-printable part, without throwing', () => {
    const body = `--other\r\nContent-Type: text/plain\r\n\r\nkaputt ü ${'z'.repeat(1500)}\r\n--other--\r\n`;
    const raw = message([...BASE, 'Content-Type: multipart/mixed; boundary=missing'], body);
    const result = toSevenBit(raw);
    expectSevenBit(result.raw);
    expect(longestLine(split(result.raw).body)).toBeLessThanOrEqual(76);
    expect(result.warnings[0]).toMatch(/boundary "missing" not found/);
    expect(split(result.raw).header).toContain('Content-Transfer-Encoding: quoted-printable');
    expect(decodeQuotedPrintable(split(result.raw).body).toString('utf8')).toBe(body);
  });

  it('treats a multipart without a boundary parameter as one part and a truncated header block as header only', () => {
    const noBoundary = toSevenBit(message([...BASE, 'Content-Type: multipart/mixed'], 'ü\r\n'));
    expectSevenBit(noBoundary.raw);
    expect(noBoundary.warnings[0]).toMatch(/without a usable boundary/);
    const headerOnly = toSevenBit(Buffer.from(`Subject: ${'w '.repeat(600)}`, 'latin1'));
    expectSevenBit(headerOnly.raw);
  });

  it('replaces 8-bit octets in a preamble or epilogue, which no reader shows, and reports it', () => {
    const raw = message([...BASE, 'Content-Type: multipart/mixed; boundary=p'], 'préambule\r\n--p\r\n\r\nok\r\n--p--\r\népilogue\r\n');
    const result = toSevenBit(raw);
    expectSevenBit(result.raw);
    expect(split(result.raw).body).toBe('pr??ambule\r\n--p\r\n\r\nok\r\n--p--\r\n??pilogue\r\n');
    expect(result.warnings.length).toBeGreaterThan(0);
  });
});
