import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { longestLine } from './seven-bit-test-support.ts';
import { decodeQuotedPrintable, encodeBase64, encodeQuotedPrintable, encodeQuotedPrintableBytes, rewrapBase64 } from './transfer-encoding.ts';

describe('quoted-printable', () => {
  it('round-trips random binary octets with no line over 76 and only 7-bit printable output', () => {
    for (let i = 0; i < 50; i++) {
      const data = randomBytes(1 + i * 97);
      const encoded = encodeQuotedPrintable(data, false);
      expect(encoded).toMatch(/^[\x21-\x7e \t\r\n]*$/);
      expect(longestLine(encoded)).toBeLessThanOrEqual(76);
      expect(encoded.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
      expect(decodeQuotedPrintable(encoded).equals(data)).toBe(true);
    }
  });

  it('keeps CRLF as hard line breaks in text and escapes a lone CR or LF, "=" and trailing whitespace', () => {
    const data = Buffer.from('a=b \r\nc\rd\ne\t\r\n.\r\n end ', 'latin1');
    const encoded = encodeQuotedPrintable(data, true);
    expect(encoded).toBe('a=3Db=20\r\nc=0Dd=0Ae=09\r\n.\r\n end=20');
    expect(decodeQuotedPrintable(encoded).equals(data)).toBe(true);
  });

  it('cuts text with nothing to escape but trailing whitespace exactly as it cuts text that needs escapes', () => {
    // the same text with and without one "=" (which sends it down the byte-by-byte path) must break alike
    const words = ['a', 'bb', 'ccc ', ' ', '\t', 'word', 'x'.repeat(80), '.'];
    for (let i = 0; i < 300; i++) {
      const lines = Array.from({ length: 1 + (i % 4) }, (_, j) =>
        Array.from({ length: (i * 7 + j * 13) % 40 }, (_, k) => words[(i + j * 3 + k * k) % words.length]).join(''),
      );
      const text = lines.join('\r\n');
      const fast = encodeQuotedPrintable(Buffer.from(text, 'latin1'), true);
      const slow = encodeQuotedPrintable(Buffer.from(`=${text}`, 'latin1'), true);
      expect(`=3D${fast}`.replace(/=\r\n/g, '')).toBe(slow.replace(/=\r\n/g, ''));
      expect(longestLine(fast)).toBeLessThanOrEqual(76);
      expect(fast).not.toMatch(/[ \t](?:\r\n|$)/);
      expect(decodeQuotedPrintable(fast).toString('latin1')).toBe(text);
    }
  });

  it('encodes text in runs exactly as octet by octet: escapes, 8-bit, lone CR/LF, trailing whitespace, long lines', () => {
    const pieces = ['a', 'word ', ' ', '\t', '=', '\u00e9', '\u00d7', '\r', '\n', '\r\n', '\x00', '\x7f', 'x'.repeat(74), 'y'.repeat(75), 'z'.repeat(150), '.', '=\r\n'];
    for (let i = 0; i < 2000; i++) {
      const text = Array.from({ length: i % 60 }, (_, k) => pieces[(i * 31 + k * k * 7 + k) % pieces.length]).join('');
      const data = Buffer.from(text, 'latin1');
      const encoded = encodeQuotedPrintable(data, true);
      expect(encoded).toBe(encodeQuotedPrintableBytes(data, true));
      expect(decodeQuotedPrintable(encoded).equals(data)).toBe(true);
    }
    const random = randomBytes(20_000);
    expect(encodeQuotedPrintable(random, true)).toBe(encodeQuotedPrintableBytes(random, true));
  });

  it('never splits an escape across a soft line break', () => {
    const encoded = encodeQuotedPrintable(Buffer.from('x' + 'é'.repeat(100), 'utf8'), true);
    for (const line of encoded.split('\r\n')) expect(line).toMatch(/^(?:[^=]|=[0-9A-F]{2})*=?$/);
  });

  it('decodes leniently: soft breaks, lower-case hex, a stray "=" and whitespace added in transit', () => {
    expect(decodeQuotedPrintable('ab=\r\ncd=c3=a9 \t\r\n=ZZ=\r\n=4').toString('latin1')).toBe('abcd\xc3\xa9\r\n=ZZ=4');
  });
});

describe('base64', () => {
  it('wraps at 76 characters and re-wrapping ignores whitespace and stray octets without changing the data', () => {
    const data = randomBytes(2000);
    const wrapped = encodeBase64(data);
    expect(longestLine(wrapped)).toBe(76);
    const messy = `${data.toString('base64').slice(0, 1000)} \t\xe9\r\n${data.toString('base64').slice(1000)}`;
    const rewrapped = rewrapBase64(messy);
    expect(rewrapped).toBe(wrapped);
    expect(Buffer.from(rewrapped, 'base64').equals(data)).toBe(true);
  });
});
