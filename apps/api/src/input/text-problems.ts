import type { ErrorDetail } from '@herald/core';

/**
 * Text Postgres cannot store: the NUL character (a `text` value cannot hold U+0000) and a lone UTF-16
 * surrogate (it has no UTF-8 form). JSON can carry both (`\u0000`, `"\ud800"`), and a URL can carry
 * NUL (`%00`); left alone they fail the query with a 500. They are refused as the client's error.
 */

/** A character worth a closer look: NUL or any surrogate (a pair is fine, a lone one is not). */
// eslint-disable-next-line no-control-regex -- finding NUL is the point
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The rule a string breaks, or null when Postgres can store it. */
export function textProblem(value: string): string | null {
  if (!SUSPECT.test(value)) return null;
  if (value.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(value)) return 'must be valid Unicode (it contains a lone UTF-16 surrogate)';
  return null;
}

/**
 * A cheap first look at a flat record (headers, path or query parameters): false when no string in
 * it, name or value, holds NUL or a surrogate. Anything else (a list, an object) is worth the walk.
 */
export function mayHoldBadText(record: Record<string, unknown> | undefined | null): boolean {
  for (const name in record) {
    const value = record[name];
    if (SUSPECT.test(name)) return true;
    if (typeof value === 'string' ? SUSPECT.test(value) : value !== undefined && typeof value !== 'number' && typeof value !== 'boolean') return true;
  }
  return false;
}

/** At most this many problems are reported for one request: enough to act on, small to answer. */
const MAX_PROBLEMS = 20;

/**
 * Every string (and object key) in a parsed value that Postgres cannot store, by dotted field path
 * ("messages.3.subject"); `path` is the prefix ("" for a body, "query", "params", "headers").
 */
export function findTextProblems(value: unknown, path: string, found: ErrorDetail[] = []): ErrorDetail[] {
  if (found.length >= MAX_PROBLEMS) return found;
  if (typeof value === 'string') {
    const problem = textProblem(value);
    if (problem) found.push({ field: path || 'body', message: problem });
  } else if (Array.isArray(value)) {
    value.forEach((item, i) => findTextProblems(item, join(path, String(i)), found));
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const problem = textProblem(key);
      // a bad key is not repeated in the answer (nor in the path of what is under it): it is the unprintable part
      if (problem) found.push({ field: path || 'body', message: `has a key that ${problem}` });
      else findTextProblems(item, join(path, key), found);
      if (found.length >= MAX_PROBLEMS) break;
    }
  }
  return found;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The only ways NUL or a surrogate gets into parsed JSON are `\u0000` and `\uD800`–`\uDFFF` escapes
 * (raw control characters are invalid JSON; valid UTF-8 holds no surrogates). Raw text without them
 * needs no walk; with them (or an escaped backslash that looks like one) the parsed value is walked.
 */
export function mayHoldBadEscapes(json: string): boolean {
  const at = json.indexOf('\\u');
  return at !== -1 && /\\u(?:0000|[dD][89a-fA-F])/.test(at === 0 ? json : json.slice(at));
}

/**
 * The offset of the first byte that is not part of a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1. Only called once `isUtf8` said no.
 */
export function invalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    if (b < 0x80) {
      i += 1;
      continue;
    }
    // the length of the sequence, and the range its second byte must fall in (RFC 3629 §4)
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k < length; k++) {
      const next = bytes[i + k];
      if (next === undefined) return i;
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next < min || next > max) return i + k;
    }
    i += length;
  }
  return -1;
}
