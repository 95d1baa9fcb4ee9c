import { isAscii } from 'node:buffer';
import { charsetOf } from './encoded-words.ts';
import { buildField, fieldValue, has8bit, hasLongLine, parseFields, parseMimeValue, splitField, type HeaderField } from './header-fields.ts';
import { multipartLayout, sanitizeVerbatim, splitEntity } from './mime-parts.ts';
import { sevenBitFields } from './seven-bit-headers.ts';
import { decodeQuotedPrintable, encodeBase64, encodeQuotedPrintable, rewrapBase64 } from './transfer-encoding.ts';

export interface SevenBitResult {
  /**
   * The message, 7-bit with no line over 998 octets unless `warnings` says otherwise — but for UTF-8
   * in its header fields that has no 7-bit form (RFC 6532: an address with a UTF-8 local part, a UTF-8
   * Message-ID), which stays UTF-8: such a message can only go to a server offering SMTPUTF8.
   */
  raw: Buffer;
  /** False when the input was already 7-bit and short-lined: `raw` is then the input Buffer itself. */
  changed: boolean;
  /**
   * What could not be made 7-bit without changing its meaning and is not RFC 6532 UTF-8 (8-bit octets
   * in a header that are not UTF-8, a header line with no whitespace to fold at, 8-bit octets left in
   * the body), malformed MIME handled leniently, an existing DKIM signature broken by the change.
   * Empty for ordinary input, and for a message whose only 8-bit header octets are UTF-8.
   */
  warnings: string[];
}

const MAX_LINE = 998;

/** Every octet below 0x80 and no line (CRLF not counted) over 998 octets: what any SMTP server accepts. */
export function isSevenBitClean(raw: Buffer): boolean {
  if (!isAscii(raw)) return false;
  for (let start = 0; ; ) {
    const lf = raw.indexOf(10, start);
    const end = lf < 0 ? raw.length : lf;
    const length = end - start - (lf >= 0 && end > start && raw[end - 1] === 13 ? 1 : 0);
    if (length > MAX_LINE) return false;
    if (lf < 0) return true;
    start = lf + 1;
  }
}

/**
 * Makes a message (CRLF line endings) 7-bit with no line over 998 octets, so that it can be sent to
 * any server, with or without 8BITMIME, and DKIM-signed afterwards over exactly the bytes sent.
 *
 * Walks the MIME tree; only entities that have 8-bit octets or over-long lines are touched, everything
 * else stays byte-exact. Leaf bodies are decoded and re-encoded: text/* (and a body without
 * Content-Type, text/plain by default) as quoted-printable, anything else as base64; base64 that only
 * has long lines is re-wrapped, quoted-printable re-encoded. multipart/* and message/rfc822 are
 * recursed into (they may not be encoded themselves); their 8bit/binary label becomes 7bit — but an
 * attached message whose header keeps UTF-8 (RFC 6532) becomes message/global, base64 (RFC 6532
 * §3.7), so that only the top-level header can ever need SMTPUTF8. An entity
 * without Content-Type gets `text/plain; charset=utf-8` (or `charset=unknown-8bit`, RFC 1428, when the
 * octets are not UTF-8) if its body is 8-bit; a message whose body encoding changed gets
 * `MIME-Version: 1.0` if it has none. Headers: see sevenBitFields (UTF-8 with no 7-bit form, such as
 * an internationalised address, stays UTF-8, RFC 6532). Malformed MIME never throws: a
 * multipart whose boundary is missing or never found is treated as a leaf (quoted-printable, which
 * keeps 7-bit lines readable), one without a close delimiter ends its last part at the end, nesting
 * deeper than 50 is encoded as a leaf, and 8-bit octets in a preamble or epilogue (which have no
 * encoding to declare and which readers ignore) become '?'. A Content-Type that exists is never
 * changed, even when its charset (or the lack of one) does not fit the 8-bit body.
 */
export function toSevenBit(raw: Buffer): SevenBitResult {
  if (isSevenBitClean(raw)) return { raw, changed: false, warnings: [] };
  const warnings: string[] = [];
  const input = raw.toString('latin1');
  // warnings quote header text: keep them printable ASCII for logs
  const warn = (m: string) => warnings.push(m.replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`));
  const output = convertEntity(input, { warn, path: [], isMessage: true, defaultType: 'text/plain', depth: 0 });
  const result = Buffer.from(output, 'latin1');
  // UTF-8 left in the header is RFC 6532's (whatever else is 8-bit there was reported field by field)
  const top = splitEntity(output);
  if (!isClean(top.body) || hasLongLine(top.header, MAX_LINE)) {
    warnings.push('the result still has 8-bit octets in its body or lines over 998 octets');
  }
  if (output !== input && parseFields(splitEntity(input).header).some((f) => f.name === 'dkim-signature')) {
    warnings.push('the message was re-encoded, so its existing DKIM-Signature no longer verifies');
  }
  return { raw: result, changed: output !== input, warnings };
}

interface Context {
  warn: (message: string) => void;
  /** Part numbers from the top ([] is the message itself; [2, 1] is part 2.1). */
  path: number[];
  /** A message (top level or encapsulated), where MIME-Version belongs. */
  isMessage: boolean;
  /** The Content-Type when there is none: text/plain, or message/rfc822 inside multipart/digest. */
  defaultType: string;
  /** Multiparts and messages entered so far. */
  depth: number;
}

const IDENTITY = new Set(['7bit', '8bit', 'binary']);
/** Deeper nesting is encoded as one leaf rather than recursed into (no stack overflow on hostile input). */
const MAX_DEPTH = 50;
const isClean = (text: string): boolean => !has8bit(text) && !hasLongLine(text, MAX_LINE);

function convertEntity(text: string, ctx: Context): string {
  if (isClean(text)) return text;
  const { header, separator, body } = splitEntity(text);
  const warn = (message: string) => ctx.warn(`${ctx.path.length ? `part ${ctx.path.join('.')}` : 'message'}: ${message}`);
  const original = parseFields(header);
  let fields = sevenBitFields(original, warn);
  const contentType = fieldValue(original, 'content-type');
  const { type, params } = parseMimeValue(contentType ?? ctx.defaultType);
  const cte = (fieldValue(original, 'content-transfer-encoding') ?? '7bit').replace(/\([^)]*\)/g, '').trim().toLowerCase();
  const boundary = params.find((p) => p.name === 'boundary')?.value;

  let newBody: string | undefined;
  const nestable = IDENTITY.has(cte) && ctx.depth < MAX_DEPTH;
  if (ctx.depth >= MAX_DEPTH && (type.startsWith('multipart/') || type === 'message/rfc822')) warn(`nested more than ${MAX_DEPTH} deep: encoded as a single part`);
  if (type.startsWith('multipart/') && nestable && boundary) {
    newBody = convertMultipart(body, boundary, ctx, type === 'multipart/digest' ? 'message/rfc822' : 'text/plain', warn);
  } else if (type === 'message/rfc822' && nestable) {
    newBody = convertEntity(body, { ...ctx, isMessage: true, defaultType: 'text/plain', depth: ctx.depth + 1 });
    // its header keeps UTF-8 (an internationalised address): RFC 6532 §3.7 makes that message/global,
    // which, unlike message/rfc822, may be encoded; so the enclosing message stays 7-bit
    if (has8bit(splitEntity(newBody).header)) newBody = undefined;
  } else if (type.startsWith('multipart/') && ctx.depth < MAX_DEPTH) {
    warn(`${type} without a usable boundary${boundary ? ` (or with ${cte} encoding)` : ''}: treated as a single part`);
  }

  let newCte: string | undefined;
  const added: string[] = [];
  if (type === 'message/rfc822' && nestable && newBody === undefined) {
    newBody = encodeBase64(Buffer.from(body, 'latin1')) + (body.endsWith('\r\n') ? '\r\n' : '');
    newCte = 'base64';
    fields = setContentType(fields, 'message/global', added);
  } else if (newBody !== undefined) {
    if (cte !== '7bit' && isClean(newBody)) newCte = '7bit';
  } else if (!isClean(body)) {
    const textual = !type.includes('/') || type.startsWith('text/') || type.startsWith('multipart/');
    ({ body: newBody, cte: newCte } = encodeLeaf(body, cte, textual, warn));
    if (contentType === undefined && IDENTITY.has(cte) && has8bit(body) && ctx.defaultType === 'text/plain') {
      added.push(`Content-Type: text/plain; charset=${charsetOf(Buffer.from(body, 'latin1')).toLowerCase()}`);
    }
  }
  if (ctx.isMessage && newBody !== undefined && newBody !== body && fieldValue(original, 'mime-version') === undefined) {
    added.unshift('MIME-Version: 1.0');
  }
  if (newCte !== undefined) fields = setTransferEncoding(fields, newCte, added);
  fields = addFields(fields, added);
  return fields.map((f) => f.text).join('') + separator + (newBody ?? body);
}

/** Converts each part; the octets around the parts are kept (sanitised only if not 7-bit clean). */
function convertMultipart(body: string, boundary: string, ctx: Context, defaultType: string, warn: (m: string) => void): string | undefined {
  const layout = multipartLayout(body, boundary);
  if (!layout) {
    warn(`boundary "${boundary}" not found: treated as a single part`);
    return undefined;
  }
  if (!layout.closed) warn('multipart has no close delimiter: its last part runs to the end');
  let out = '';
  let cursor = 0;
  const verbatim = (text: string) => {
    if (isClean(text)) return text;
    warn('preamble or epilogue had 8-bit octets or over-long lines: replaced with ? and broken');
    return sanitizeVerbatim(text);
  };
  layout.parts.forEach(({ start, end }, i) => {
    out += verbatim(body.slice(cursor, start));
    out += convertEntity(body.slice(start, end), { ...ctx, path: [...ctx.path, i + 1], isMessage: false, defaultType, depth: ctx.depth + 1 });
    cursor = end;
  });
  return out + verbatim(body.slice(cursor));
}

/**
 * A leaf body that is 8-bit or has over-long lines. base64 is re-wrapped as it stands; quoted-printable
 * is decoded and encoded again; 7bit/8bit/binary (and an unknown encoding, whose octets are kept as
 * the content) is encoded as quoted-printable when textual, else as base64.
 */
function encodeLeaf(body: string, cte: string, textual: boolean, warn: (m: string) => void): { body: string; cte: string | undefined } {
  const finalCrlf = body.endsWith('\r\n') ? '\r\n' : '';
  if (cte === 'base64') return { body: rewrapBase64(body) + finalCrlf, cte: undefined };
  if (cte === 'quoted-printable') return { body: encodeQuotedPrintable(decodeQuotedPrintable(body), textual), cte: undefined };
  if (!IDENTITY.has(cte)) warn(`unknown Content-Transfer-Encoding "${cte}": its octets are kept as the content`);
  const data = Buffer.from(body, 'latin1');
  if (textual) return { body: encodeQuotedPrintable(data, true), cte: 'quoted-printable' };
  return { body: encodeBase64(data) + finalCrlf, cte: 'base64' };
}

/** Replaces the first Content-Transfer-Encoding field in place (dropping any repeats), or adds one. */
function setTransferEncoding(fields: HeaderField[], value: string, added: string[]): HeaderField[] {
  const first = fields.findIndex((f) => f.name === 'content-transfer-encoding');
  if (first < 0) {
    added.push(`Content-Transfer-Encoding: ${value}`);
    return fields;
  }
  const existing = fields[first] as HeaderField;
  const replaced = { name: existing.name, text: `${splitField(existing).prefix} ${value}\r\n` };
  return fields.flatMap((f, i) => (i === first ? [replaced] : f.name === 'content-transfer-encoding' ? [] : [f]));
}

/** Replaces the media type of the first Content-Type field in place, keeping its parameters, or adds the field. */
function setContentType(fields: HeaderField[], mediaType: string, added: string[]): HeaderField[] {
  const first = fields.findIndex((f) => f.name === 'content-type');
  if (first < 0) {
    added.push(`Content-Type: ${mediaType}`);
    return fields;
  }
  const { prefix, value } = splitField(fields[first] as HeaderField);
  const replaced = buildField(prefix, value.replace(/^(\s*)[^\s;]+/, `$1${mediaType}`));
  return fields.map((f, i) => (i === first ? replaced : f));
}

/** Appends fields at the end of the header block. */
function addFields(fields: HeaderField[], lines: string[]): HeaderField[] {
  if (lines.length === 0) return fields;
  const last = fields[fields.length - 1];
  const head = last && !last.text.endsWith('\r\n') ? [...fields.slice(0, -1), { ...last, text: `${last.text}\r\n` }] : fields;
  return [...head, ...lines.map((line) => ({ name: line.slice(0, line.indexOf(':')).toLowerCase(), text: `${line}\r\n` }))];
}
