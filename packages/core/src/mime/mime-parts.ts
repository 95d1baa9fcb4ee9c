/**
 * The structure of a MIME entity (RFC 2045, RFC 2046 §5.1): header block and body, and the parts of
 * a multipart body. Every octet between the parts (preamble, delimiter lines, epilogue) is accounted
 * for so the body can be put back together byte-exact. Text is latin1: one char per octet.
 */

export interface EntityText {
  /** The header block, each field ending in CRLF ('' when the entity starts with the blank line). */
  header: string;
  /** The blank line's CRLF, or '' when there is no blank line (the whole entity is header). */
  separator: string;
  body: string;
}

export function splitEntity(text: string): EntityText {
  if (text.startsWith('\r\n')) return { header: '', separator: '\r\n', body: text.slice(2) };
  const blank = text.indexOf('\r\n\r\n');
  if (blank < 0) return { header: text, separator: '', body: '' };
  return { header: text.slice(0, blank + 2), separator: '\r\n', body: text.slice(blank + 4) };
}

export interface MultipartLayout {
  /** [start, end) of each part's content: after its delimiter line's CRLF, up to the CRLF before the next delimiter. */
  parts: { start: number; end: number }[];
  /** Whether a close delimiter ("--boundary--") was found; without one the last part runs to the end. */
  closed: boolean;
}

/**
 * Finds the parts of a multipart body. A delimiter line is "--" boundary, optionally "--" (close),
 * then only whitespace (transport padding), at the start of the body or after a CRLF; the CRLF
 * before it belongs to the delimiter. Returns undefined when no opening delimiter is found.
 */
export function multipartLayout(body: string, boundary: string): MultipartLayout | undefined {
  const dash = `--${boundary}`;
  const lines: { start: number; end: number; close: boolean }[] = [];
  for (let from = 0; ; ) {
    const at = body.indexOf(dash, from);
    if (at < 0) break;
    const crlf = body.indexOf('\r\n', at);
    const lineEnd = crlf < 0 ? body.length : crlf;
    from = at + dash.length;
    if (at !== 0 && body.slice(at - 2, at) !== '\r\n') continue;
    const rest = body.slice(at + dash.length, lineEnd);
    const close = /^--[ \t]*$/.test(rest);
    if (!close && !/^[ \t]*$/.test(rest)) continue;
    if (close && lines.length === 0) return undefined;
    lines.push({ start: at, end: lineEnd, close });
    if (close) break;
  }
  if (lines.length === 0) return undefined;
  const parts: { start: number; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as { start: number; end: number; close: boolean };
    if (line.close) break;
    const start = Math.min(line.end + 2, body.length);
    const next = lines[i + 1];
    const end = next ? Math.max(start, next.start - 2) : body.length;
    parts.push({ start, end });
  }
  return { parts, closed: lines[lines.length - 1]?.close === true };
}

/**
 * Text that is not content (preamble, epilogue, stray bytes between parts) has no encoding to
 * declare: its 8-bit octets become '?' and lines over 998 octets are broken. Readers ignore it.
 */
export function sanitizeVerbatim(text: string): string {
  return text
    .replace(/[\x80-\xff]/g, '?')
    .split('\r\n')
    .map((line) => (line.match(/[\s\S]{1,998}/g) ?? ['']).join('\r\n'))
    .join('\r\n');
}
