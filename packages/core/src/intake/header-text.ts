import { isUtf8 } from 'node:buffer';
import type { ErrorDetail } from '../errors/registry.ts';

/** Header fields of a submitted message whose values Herald keeps as text in Postgres. */
const STORED_AS_TEXT = /^(subject|from|x-herald-tags|x-herald-metadata-.*|x-herald-idempotency-key|x-herald-template|x-herald-template-variables)$/;

/**
 * What is wrong with the raw bytes of the header fields Herald stores as text (`name` lower-case,
 * `text` the whole field as latin1, one char per byte): a NUL byte, which Postgres refuses in text
 * (22021), or bytes that are not UTF-8 — raw 8-bit header text is UTF-8 (RFC 6532), and any other
 * reading (Latin-1, a replacement character) would store something the client did not send. Both are
 * refused rather than changed; other fields are kept as bytes and are not looked at here.
 */
export function storedHeaderTextProblems(fields: readonly { name: string; text: string }[]): ErrorDetail[] {
  const problems: ErrorDetail[] = [];
  for (const { name, text } of fields) {
    if (!STORED_AS_TEXT.test(name)) continue;
    if (text.includes('\0')) problems.push({ field: `header.${name}`, message: 'contains a NUL byte' });
    else if (!isUtf8(Buffer.from(text, 'latin1'))) problems.push({ field: `header.${name}`, message: 'is not valid UTF-8 (raw 8-bit header text must be UTF-8, RFC 6532)' });
  }
  return problems;
}

/** A header value read as latin1 (one char per byte), as the UTF-8 text it is once checked above. */
export function utf8Text(latin1: string): string {
  return Buffer.from(latin1, 'latin1').toString('utf8');
}

/** The problem of a value decoded from RFC 2047 encoded-words that holds a NUL character, or null. */
export function decodedTextProblem(field: string, value: string): ErrorDetail | null {
  return value.includes('\0') ? { field, message: 'contains a NUL character once its encoded-words are decoded' } : null;
}
