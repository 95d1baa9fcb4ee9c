import { randomBytes } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { isSevenBitClean, toSevenBit } from './seven-bit.ts';
import { binaryContent, expectSevenBit, longestLine, message, split } from './seven-bit-test-support.ts';
import { decodeQuotedPrintable } from './transfer-encoding.ts';

const BASE = ['From: a@example.com', 'To: b@example.org', 'Subject: test', 'Date: Fri, 02 Jan 2026 03:04:05 +0000', 'Message-ID: <1@example.com>'];
const TEXT_8BIT = [...BASE, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: 8bit'];

describe('messages that are already 7-bit', () => {
  it('returns the input Buffer itself, unchanged, when every octet is 7-bit and every line short', () => {
    const raw = message(BASE, `Hello\r\n.\r\n..\r\n${'x'.repeat(998)}\r\n`);
    const result = toSevenBit(raw);
    expect(result.raw).toBe(raw);
    expect(result.changed).toBe(false);
    expect(result.warnings).toEqual([]);
  });

  it('counts a 999-octet line as too long and a 998-octet one as fine', () => {
    expect(isSevenBitClean(message(BASE, 'y'.repeat(998)))).toBe(true);
    expect(isSevenBitClean(message(BASE, 'y'.repeat(999)))).toBe(false);
    expect(isSevenBitClean(message(BASE, 'é'))).toBe(false);
  });
});

describe('an 8-bit text/plain body', () => {
  const text = `Grüße aus Köln — 東京 ${'ä'.repeat(200)}\r\nzweite Zeile = gleich\t\r\nend with space \r\n`;

  it('becomes quoted-printable with every octet 7-bit and no line over 76, and decodes to the original text', async () => {
    const raw = message(TEXT_8BIT, text);
    const result = toSevenBit(raw);
    expect(result.changed).toBe(true);
    expect(result.warnings).toEqual([]);
    expectSevenBit(result.raw);
    const { header, body } = split(result.raw);
    expect(longestLine(body)).toBeLessThanOrEqual(76);
    expect(header).toBe(split(raw).header.replace('Content-Transfer-Encoding: 8bit', 'Content-Transfer-Encoding: quoted-printable'));
    expect(body).toMatch(/=20\r\n/); // trailing whitespace is encoded
    expect(body).toMatch(/=09\r\n/);
    expect(body).toContain('=3D');
    expect((await simpleParser(result.raw)).text).toBe(text.replace(/\r\n/g, '\n'));
    expect(decodeQuotedPrintable(body).toString('utf8')).toBe(text);
  });

  it('gets MIME-Version, a UTF-8 Content-Type and a Content-Transfer-Encoding when the message has no MIME headers', async () => {
    const result = toSevenBit(message(BASE, text));
    const { header, body } = split(result.raw);
    expect(header).toContain('MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n');
    expect(header.startsWith(`${BASE.join('\r\n')}\r\n`)).toBe(true);
    expect((await simpleParser(result.raw)).text).toBe(text.replace(/\r\n/g, '\n'));
    expect(decodeQuotedPrintable(body).toString('utf8')).toBe(text);
  });

  it('labels a body that is not valid UTF-8 charset=unknown-8bit and keeps its octets', () => {
    const latin1 = Buffer.from('caf\xe9 cr\xe8me\r\n', 'latin1');
    const result = toSevenBit(message(BASE, latin1));
    const { header, body } = split(result.raw);
    expect(header).toContain('Content-Type: text/plain; charset=unknown-8bit\r\n');
    expect(decodeQuotedPrintable(body).equals(latin1)).toBe(true);
  });

  it('keeps the declared charset of a body that has a Content-Type and re-encodes it', async () => {
    const raw = message([...BASE, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=iso-8859-1'], Buffer.from('\xc4rger\r\n', 'latin1'));
    const result = toSevenBit(raw);
    expect(split(result.raw).header).toBe(`${split(raw).header}Content-Transfer-Encoding: quoted-printable\r\n`);
    expect((await simpleParser(result.raw)).text).toBe('Ärger\n');
  });
});

describe('long lines', () => {
  it('re-encodes a 7-bit body with a 5000-character line as quoted-printable with no line over 76', async () => {
    const text = `short line\r\n${'lorem ipsum '.repeat(417).slice(0, 5000)}\r\nlast\r\n`;
    const result = toSevenBit(message(BASE, text));
    expectSevenBit(result.raw, 76);
    const { header, body } = split(result.raw);
    expect(header).toContain('MIME-Version: 1.0\r\nContent-Transfer-Encoding: quoted-printable\r\n');
    expect(header).not.toContain('Content-Type'); // 7-bit text needs no charset
    expect(decodeQuotedPrintable(body).toString('latin1')).toBe(text);
    expect((await simpleParser(result.raw)).text).toBe(text.replace(/\r\n/g, '\n'));
  });

  it('re-wraps a base64 part written as one 2000-character line without changing its octets', async () => {
    const data = randomBytes(1500);
    const raw = message(
      [...BASE, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="b1"'],
      `--b1\r\nContent-Type: text/plain\r\n\r\nsee attachment\r\n--b1\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=data.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n${data.toString('base64')}\r\n--b1--\r\n`,
    );
    const result = toSevenBit(raw);
    expectSevenBit(result.raw, 76);
    const text = result.raw.toString('latin1');
    expect(text).toContain('Content-Transfer-Encoding: base64\r\n\r\n');
    const encoded = text.slice(text.indexOf('base64\r\n\r\n') + 10, text.indexOf('\r\n--b1--'));
    expect(encoded.replace(/\r\n/g, '')).toBe(data.toString('base64'));
    const parsed = await simpleParser(result.raw);
    expect(parsed.attachments[0]?.content.equals(data)).toBe(true);
  });

  it('re-encodes quoted-printable whose lines are too long, keeping the decoded octets', () => {
    const original = `${'abc=3D'.repeat(300)}\r\n=C3=BC soft=\r\nbreak\r\n`;
    const raw = message([...BASE, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=utf-8', 'Content-Transfer-Encoding: quoted-printable'], original);
    const result = toSevenBit(raw);
    expectSevenBit(result.raw, 76);
    expect(split(result.raw).header).toBe(split(raw).header);
    expect(decodeQuotedPrintable(split(result.raw).body).equals(decodeQuotedPrintable(original))).toBe(true);
  });

  it('encodes a binary application/pdf body as base64 of exactly the same octets', async () => {
    const data = binaryContent(3000);
    const raw = message([...BASE, 'MIME-Version: 1.0', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: binary'], data);
    const result = toSevenBit(raw);
    expectSevenBit(result.raw, 76);
    expect(split(result.raw).header).toBe(split(raw).header.replace('binary', 'base64'));
    expect(Buffer.from(split(result.raw).body, 'base64').equals(data)).toBe(true);
    expect((await simpleParser(result.raw)).attachments[0]?.content.equals(data)).toBe(true);
  });
});

describe('lines beginning with a dot', () => {
  it('keeps ".", ".." and ".foo" lines so that decoding gives the original octets', async () => {
    const text = `ünïcode\r\n.\r\n..\r\n.foo\r\n...bar \r\n${'.'.repeat(80)}\r\n.\r\n`;
    const result = toSevenBit(message(TEXT_8BIT, text));
    expectSevenBit(result.raw, 76);
    const { body } = split(result.raw);
    expect(body.split('\r\n')).toEqual(expect.arrayContaining(['.', '..', '.foo']));
    expect(decodeQuotedPrintable(body).toString('utf8')).toBe(text);
    expect((await simpleParser(result.raw)).text).toBe(text.replace(/\r\n/g, '\n'));
  });
});
