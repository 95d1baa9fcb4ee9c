/**
 * Content-Transfer-Encodings (RFC 2045 §6.7 quoted-printable, §6.8 base64) for the 7-bit conversion.
 * Encoded text is handled as latin1 strings: one char per octet, so nothing is lost either way.
 */

const HEX = Buffer.from('0123456789ABCDEF', 'latin1');
/** Longest encoded line, soft-break '=' included (RFC 2045 §6.7 rule 5). */
const QP_LINE = 76;
const BASE64_LINE = 76;
const [EQUALS, CR, LF, SP, TAB] = [61, 13, 10, 32, 9];

/**
 * Quoted-printable. With `lineBreaks` (text: CRLF is a line break of the content) each CRLF becomes a
 * hard line break and any other CR or LF is escaped; without it (binary content) every CR and LF is
 * escaped. '=', 8-bit bytes, controls and whitespace at the end of a line are escaped; a leading '.'
 * is kept as it is (dot-stuffing is the SMTP client's job). Lines are at most 76 characters.
 * Text is encoded line by line in runs of literal characters found by a native search (a 5 KB HTML
 * part with a few non-ASCII characters: a few µs, where a loop over every octet took about 50);
 * binary content byte by byte into one Buffer. Both cut lines alike (encodeQuotedPrintableBytes is
 * the reference the tests hold the runs to).
 */
export function encodeQuotedPrintable(data: Buffer, lineBreaks: boolean, literal?: boolean): string {
  if (!lineBreaks) return encodeQuotedPrintableBytes(data, false);
  return encodeQuotedPrintableText(data.toString('latin1'), literal);
}

/**
 * Quoted-printable of text with line breaks, given as a latin1 string (one char per octet; ASCII text
 * is its own latin1 form, so a composer holding ASCII text needs no Buffer). `literal`: the caller
 * has checked that nothing needs escaping but trailing whitespace (see NEEDS_ESCAPE).
 */
export function encodeQuotedPrintableText(text: string, literal?: boolean): string {
  if (literal ?? (!NEEDS_ESCAPE.test(text) && !BARE_CR_OR_LF.test(text))) return text.split('\r\n').map(softBreaks).join('\r\n');
  return text.split('\r\n').map(encodeLine).join('\r\n');
}

/** Quoted-printable octet by octet (binary content, or text with `lineBreaks`). */
export function encodeQuotedPrintableBytes(data: Buffer, lineBreaks: boolean): string {
  const out = Buffer.allocUnsafe(data.length * 4 + 16);
  let n = 0;
  let lineLength = 0;
  for (let i = 0; i < data.length; i++) {
    const byte = data[i] as number;
    if (lineBreaks && byte === CR && data[i + 1] === LF) {
      out[n++] = CR;
      out[n++] = LF;
      lineLength = 0;
      i++;
      continue;
    }
    const endOfLine = i + 1 === data.length || (lineBreaks && data[i + 1] === CR && data[i + 2] === LF);
    const literal = (byte >= 33 && byte <= 126 && byte !== EQUALS) || ((byte === SP || byte === TAB) && !endOfLine);
    const width = literal ? 1 : 3;
    if (lineLength + width > QP_LINE - 1) {
      out[n++] = EQUALS;
      out[n++] = CR;
      out[n++] = LF;
      lineLength = 0;
    }
    lineLength += width;
    if (literal) {
      out[n++] = byte;
    } else {
      out[n++] = EQUALS;
      out[n++] = HEX[byte >> 4] as number;
      out[n++] = HEX[byte & 15] as number;
    }
  }
  return out.toString('latin1', 0, n);
}

// the fast path's checks: text with nothing to escape but trailing whitespace is cut into lines (each a linear scan)
const NEEDS_ESCAPE = /[^\x21-\x3c\x3e-\x7e \t\r\n]/;
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;
/** Within one line (no CRLF): what must be escaped anywhere (a lone CR or LF among them). */
const ESCAPED = /[^\x21-\x3c\x3e-\x7e \t]/g;

const escapeOf = (code: number) => `=${String.fromCharCode(HEX[code >> 4] as number, HEX[code & 15] as number)}`;

/**
 * One line of text (latin1, one char per octet, no CRLF) encoded: runs of literal characters copied
 * in slices, each escape three characters, a soft break wherever the next piece would pass 75
 * characters (an escape is never split), and a final space or tab escaped (rule 3).
 */
function encodeLine(line: string): string {
  const last = line.charCodeAt(line.length - 1);
  // the character at `end`, when there is one, is the final space or tab: escaped like the others
  const end = last === SP || last === TAB ? line.length - 1 : line.length;
  let out = '';
  let lineLength = 0;
  let i = 0;
  while (i < line.length) {
    ESCAPED.lastIndex = i;
    const found = ESCAPED.exec(line);
    const next = found && found.index < end ? found.index : end;
    while (i < next) {
      if (lineLength === QP_LINE - 1) {
        out += '=\r\n';
        lineLength = 0;
      }
      const take = Math.min(QP_LINE - 1 - lineLength, next - i);
      out += line.slice(i, i + take);
      lineLength += take;
      i += take;
    }
    if (next === line.length) break;
    if (lineLength + 3 > QP_LINE - 1) {
      out += '=\r\n';
      lineLength = 0;
    }
    out += escapeOf(line.charCodeAt(next));
    lineLength += 3;
    i = next + 1;
  }
  return out;
}

/**
 * A line of literal characters cut into encoded lines of at most 76, soft breaks included, as the
 * byte-by-byte encoder below cuts them: at most 75 characters before each soft break and on the last
 * line, whose final space or tab is escaped (rule 3).
 */
function softBreaks(line: string): string {
  const last = line.charCodeAt(line.length - 1);
  const tail = last === SP ? '=20' : last === TAB ? '=09' : '';
  const literal = tail ? line.slice(0, -1) : line;
  if (literal.length + tail.length < QP_LINE) return literal + tail;
  // concatenated, not joined: the message is made flat once, when it becomes bytes
  let out = literal.slice(0, QP_LINE - 1);
  let lastPiece = out.length;
  for (let i = QP_LINE - 1; i < literal.length; i += QP_LINE - 1) {
    const piece = literal.slice(i, i + QP_LINE - 1);
    out += `=\r\n${piece}`;
    lastPiece = piece.length;
  }
  return lastPiece + tail.length > QP_LINE - 1 ? `${out}=\r\n${tail}` : out + tail;
}

function hexValue(byte: number | undefined): number {
  if (byte === undefined) return -1;
  if (byte >= 48 && byte <= 57) return byte - 48;
  const lower = byte | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/**
 * Lenient quoted-printable decoding: whitespace at the end of an encoded line is dropped (rule 3), a
 * trailing '=' is a soft line break, and an '=' not followed by two hex digits is kept literally, as
 * are 8-bit bytes that should not have been there.
 */
export function decodeQuotedPrintable(text: string): Buffer {
  const src = Buffer.from(text, 'latin1');
  const out = Buffer.allocUnsafe(src.length);
  let n = 0;
  for (let i = 0; i <= src.length; ) {
    const crlf = src.indexOf('\r\n', i, 'latin1');
    const lineEnd = crlf < 0 ? src.length : crlf;
    let end = lineEnd;
    while (end > i && (src[end - 1] === SP || src[end - 1] === TAB)) end--;
    const soft = end > i && src[end - 1] === EQUALS;
    if (soft) end--;
    for (let j = i; j < end; j++) {
      const high = src[j] === EQUALS && j + 2 < end ? hexValue(src[j + 1]) : -1;
      const low = high >= 0 ? hexValue(src[j + 2]) : -1;
      if (low >= 0) {
        out[n++] = high * 16 + low;
        j += 2;
      } else {
        out[n++] = src[j] as number;
      }
    }
    if (crlf < 0) break;
    if (!soft) {
      out[n++] = CR;
      out[n++] = LF;
    }
    i = crlf + 2;
  }
  return Buffer.from(out.subarray(0, n));
}

/** Base64 in lines of 76 characters separated by CRLF (no CRLF after the last line). */
export function encodeBase64(data: Buffer): string {
  return wrapBase64(data.toString('base64'));
}

/**
 * Re-wraps existing base64 text without decoding it: characters outside the base64 alphabet (line
 * breaks, whitespace, stray bytes) are ignored by every decoder (RFC 2045 §6.8), so dropping them
 * and cutting the rest into 76-character lines leaves the decoded octets exactly as they were.
 */
export function rewrapBase64(text: string): string {
  return wrapBase64(text.replace(/[^A-Za-z0-9+/=]/g, ''));
}

function wrapBase64(base64: string): string {
  const lines: string[] = [];
  for (let i = 0; i < base64.length; i += BASE64_LINE) lines.push(base64.slice(i, i + BASE64_LINE));
  return lines.join('\r\n');
}
