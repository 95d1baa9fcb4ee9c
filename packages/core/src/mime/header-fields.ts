import { isUtf8 } from 'node:buffer';

/**
 * Just enough RFC 5322 / RFC 2045 header parsing for the 7-bit conversion: a header block split into
 * fields (folded lines kept with their field, every octet kept), unfolding, folding at whitespace,
 * and MIME parameters with their positions so one parameter can be rewritten in place.
 * Text is latin1: one char per octet.
 */

export interface HeaderField {
  /** Lower-cased field name; null for a line that is not a field (no colon). */
  name: string | null;
  /** The field as it stands: every line, CRLFs included (the last one absent only at end of input). */
  text: string;
}

/** Splits a header block into fields; continuation lines (starting with SP or HTAB) join the field before. */
export function parseFields(header: string): HeaderField[] {
  const fields: HeaderField[] = [];
  const lines = header.match(/[^\r\n]*(?:\r\n|$)/g) ?? [];
  for (const line of lines) {
    if (line === '') continue;
    const last = fields[fields.length - 1];
    if (last && (line.startsWith(' ') || line.startsWith('\t'))) {
      last.text += line;
    } else {
      const name = /^([^\s:]+)[ \t]*:/.exec(line)?.[1]?.toLowerCase() ?? null;
      fields.push({ name, text: line });
    }
  }
  return fields;
}

/** "Name:" as written (with any whitespace before the colon), and the unfolded value after the colon. */
export function splitField(field: HeaderField): { prefix: string; value: string } {
  const text = field.text.replace(/\r\n$/, '');
  const colon = text.indexOf(':');
  return { prefix: text.slice(0, colon + 1), value: unfold(text.slice(colon + 1)) };
}

/** RFC 5322 §2.2.3 unfolding: a CRLF followed by whitespace is removed. */
export function unfold(text: string): string {
  return text.replace(/\r\n(?=[ \t])/g, '');
}

/** The value of the first field of that name, unfolded and trimmed. */
export function fieldValue(fields: HeaderField[], name: string): string | undefined {
  const field = fields.find((f) => f.name === name);
  return field ? splitField(field).value.trim() : undefined;
}

const isWsp = (c: string | undefined): boolean => c === ' ' || c === '\t';

/**
 * Folds one line (no CRLF) by inserting CRLF before whitespace so that lines stay within `limit`
 * where a break exists (otherwise at the first break after it). Breaks only where whitespace follows
 * non-whitespace and more than whitespace follows, so no line is whitespace-only (RFC 5322 §3.2.2).
 * Unfolding gives the line back exactly.
 */
export function foldLine(line: string, limit: number): string {
  const out: string[] = [];
  let rest = line;
  while (rest.length > limit) {
    const canBreak = (j: number) => isWsp(rest[j]) && !isWsp(rest[j - 1]) && /[^ \t]/.test(rest.slice(j));
    let at = -1;
    for (let j = limit; j > 0 && at < 0; j--) if (canBreak(j)) at = j;
    for (let j = limit + 1; j < rest.length && at < 0; j++) if (canBreak(j)) at = j;
    if (at < 0) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at);
  }
  out.push(rest);
  return out.join('\r\n');
}

/** A new field from its name prefix and unfolded value, folded at 78 and ending in CRLF. */
export function buildField(prefix: string, value: string): HeaderField {
  const name = /^([^\s:]+)/.exec(prefix)?.[1]?.toLowerCase() ?? null;
  return { name, text: `${foldLine(prefix + value, 78)}\r\n` };
}

export interface MimeParameter {
  /** Lower-cased attribute name (with any RFC 2231 '*' suffix). */
  name: string;
  /** The value, unquoted. */
  value: string;
  /** Position of "name=value" in the string parsed. */
  start: number;
  end: number;
}

/**
 * Parses "type/subtype; a=b; c=\"d\"" (Content-Type, Content-Disposition): the lower-cased first
 * token and the parameters. Lenient: a parameter without '=' is skipped, comments are not removed.
 */
export function parseMimeValue(value: string): { type: string; params: MimeParameter[] } {
  const semicolon = value.indexOf(';');
  const type = (semicolon < 0 ? value : value.slice(0, semicolon)).trim().toLowerCase();
  const params: MimeParameter[] = [];
  let i = semicolon < 0 ? value.length : semicolon + 1;
  while (i < value.length) {
    while (isWsp(value[i]) || value[i] === ';') i++;
    const start = i;
    while (i < value.length && value[i] !== '=' && value[i] !== ';') i++;
    const name = value.slice(start, i).trim().toLowerCase();
    if (value[i] !== '=') continue;
    i++;
    while (isWsp(value[i])) i++;
    let parsed = '';
    if (value[i] === '"') {
      for (i++; i < value.length && value[i] !== '"'; i++) parsed += value[i] === '\\' ? (value[++i] ?? '') : value[i];
      i++;
    } else {
      const tokenStart = i;
      while (i < value.length && value[i] !== ';') i++;
      parsed = value.slice(tokenStart, i).trim();
    }
    const end = Math.min(i, value.length);
    if (name) params.push({ name, value: parsed, start, end: value.slice(start, end).trimEnd().length + start });
  }
  return { type, params };
}

/** Lines (split at LF, a CR before it not counted) longer than `max` octets. */
export function hasLongLine(text: string, max = 998): boolean {
  let start = 0;
  for (;;) {
    const lf = text.indexOf('\n', start);
    const end = lf < 0 ? text.length : lf;
    const length = end - start - (lf >= 0 && text.charCodeAt(end - 1) === 13 ? 1 : 0);
    if (length > max) return true;
    if (lf < 0) return false;
    start = lf + 1;
  }
}

export const has8bit = (text: string): boolean => /[\x80-\xff]/.test(text);

/** Whether latin1 text is valid UTF-8: raw UTF-8 in a header field is RFC 6532's, any other 8-bit octet is nobody's. */
export const isUtf8Text = (text: string): boolean => isUtf8(Buffer.from(text, 'latin1'));
