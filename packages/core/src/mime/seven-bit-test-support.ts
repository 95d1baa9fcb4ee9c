import { isAscii } from 'node:buffer';
import { expect } from 'vitest';

/** Test helpers for the 7-bit conversion tests (not used by production code). */

/** A raw message from header lines and a body (a string is UTF-8), CRLF line endings. */
export function message(headers: string[], body: string | Buffer): Buffer {
  const head = Buffer.from(headers.map((h) => `${h}\r\n`).join('') + '\r\n', 'utf8');
  return Buffer.concat([head, typeof body === 'string' ? Buffer.from(body, 'utf8') : body]);
}

/** Length of the longest line (CRLF not counted). */
export function longestLine(text: string): number {
  return Math.max(...text.split('\r\n').map((line) => line.length));
}

/** Every octet 7-bit, no line over `max` octets, and no bare CR or LF. */
export function expectSevenBit(raw: Buffer, max = 998): void {
  const text = raw.toString('latin1');
  expect(isAscii(raw), 'every octet below 0x80').toBe(true);
  expect(longestLine(text)).toBeLessThanOrEqual(max);
  expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
}

/** The header block (up to the blank line, without it) and the body, as latin1 text. */
export function split(raw: Buffer): { header: string; body: string } {
  const text = raw.toString('latin1');
  const blank = text.indexOf('\r\n\r\n');
  return { header: text.slice(0, blank + 2), body: text.slice(blank + 4) };
}

/** Bytes 0..255 except CR and LF, repeated, with some CRLF pairs: binary content that is CRLF-clean. */
export function binaryContent(length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) {
    const b = (i * 7 + 3) % 256;
    out[i] = b === 10 || b === 13 ? 0xff : b;
  }
  out.write('\r\n', 100, 'latin1');
  return out;
}
