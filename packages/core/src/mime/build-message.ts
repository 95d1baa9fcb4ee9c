import { randomUUID } from 'node:crypto';
import { detectMimeType } from 'nodemailer/lib/mime-funcs/mime-types.js';
import type { Attachment, SendRequest } from '../intake/send-request.ts';
import { addressField, formatDate, mimeField, parameter, textField, verbatimField } from './compose-fields.ts';
import type { MessageArena } from './message-arena.ts';
import { encodeBase64, encodeQuotedPrintable, encodeQuotedPrintableText } from './transfer-encoding.ts';

export type MessageContent = Pick<SendRequest, 'from' | 'to' | 'subject' | 'text' | 'html'> & Partial<Pick<SendRequest, 'cc' | 'replyTo' | 'headers' | 'attachments' | 'plainText'>>;

/** What intake gives each message it builds: its Message-ID (without angle brackets) and its Date. */
export interface MessageStamp {
  messageId: string;
  date: Date;
}

/** A MIME entity being composed: its Content-* fields (each ending in CRLF) and its encoded body (7-bit). */
export interface Entity {
  fields: string;
  body: string;
}

/**
 * Builds the RFC 5322 message once, at intake: 7-bit, CRLF line endings, no line over 998 octets.
 * Composed directly from the validated fields (never from objects that could name a file or a URL):
 * an address with a UTF-8 local part is written in UTF-8 (RFC 6532), the one thing that is not 7-bit;
 * names, subjects and custom header values in any language become RFC 2047 encoded-words, file names
 * RFC 2231 parameters; text and HTML are sent as they are when they are ASCII with lines of at most
 * 998 octets, else quoted-printable (base64 when most of it is not ASCII); attachments are base64.
 * Bcc recipients never appear in the headers. Structure: text and HTML in multipart/alternative,
 * inline images (content_id) with the HTML in multipart/related, attachments in multipart/mixed.
 * The bytes are written into `arena` when given (a request's messages one after another), else into
 * a Buffer of their own.
 */
export function buildMessage(content: MessageContent, stamp: MessageStamp, arena?: MessageArena): Buffer {
  const boundary = newBoundary();
  let level = 0;
  const nextBoundary = () => `${boundary}_${++level}`;

  const attachments = content.attachments ?? [];
  const inline = content.html !== undefined ? attachments.filter((a) => a.contentId) : [];
  const attached = attachments.filter((a) => !inline.includes(a));

  const html = content.html !== undefined ? textEntity('text/html', content.html, content.plainText) : null;
  const text = content.text !== undefined ? textEntity('text/plain', content.text, content.plainText) : null;
  const htmlWithImages = html && inline.length > 0 ? multipart('related', [html, ...inline.map(attachmentEntity)], nextBoundary(), ['; type="text/html"']) : html;
  const readable = [text, htmlWithImages].filter((e): e is Entity => e !== null);
  const body = readable.length > 1 ? multipart('alternative', readable, nextBoundary()) : (readable[0] ?? textEntity('text/plain', ''));
  const root = attached.length > 0 ? multipart('mixed', [body, ...attached.map(attachmentEntity)], nextBoundary()) : body;

  let head = addressField('From', [content.from]);
  if (content.to.length > 0) head += addressField('To', content.to);
  if (content.cc?.length) head += addressField('Cc', content.cc);
  if (content.replyTo?.length) head += addressField('Reply-To', content.replyTo);
  head += textField('Subject', content.subject);
  head += verbatimField('Date', formatDate(stamp.date));
  head += verbatimField('Message-ID', `<${stamp.messageId}>`);
  head += verbatimField('MIME-Version', '1.0');
  for (const [name, value] of content.headers ?? []) head += textField(name, value);
  const message = `${head}${root.fields}\r\n${root.body}`;
  return arena ? arena.latin1(message) : Buffer.from(message, 'latin1');
}

/** A boundary that quoted-printable and base64 text can never contain ("=_"); 7-bit parts are checked. */
function newBoundary(): string {
  return `=_herald_${randomUUID().replace(/-/g, '')}`;
}

/**
 * A text part, by the fast path for printable ASCII (plainTextEntity), else by its octets
 * (scannedTextEntity). `plain`: the caller knows the content is printable ASCII, HTAB, CR and LF
 * (SendRequest.plainText), so it is not scanned for anything else.
 */
export function textEntity(type: 'text/plain' | 'text/html', content: string, plain?: boolean): Entity {
  if (plain === true) return plainTextEntity(type, content);
  // a character outside ASCII takes more than one octet in UTF-8: a native count (about 0.04 ns a
  // character) finds such text without the scan below (about 1 ns a character)
  return Buffer.byteLength(content, 'utf8') !== content.length || NOT_PLAIN_ASCII.test(content) ? scannedTextEntity(type, content) : plainTextEntity(type, content);
}

/** A text part of any content, the encoding chosen from its UTF-8 octets: their 8-bit count, and for ASCII text one scan (exported for the tests: the fast path must match it). */
export function scannedTextEntity(type: 'text/plain' | 'text/html', content: string): Entity {
  // line endings made CRLF first (a bare CR or LF would otherwise reach the wire as the sender's program
  // wrote it): text with LF alone (a template's, most programs') is then converted and scanned once
  const text = crlfLineBreaks(content);
  const octets = Buffer.from(text, 'utf8');
  const contentType = mimeField('Content-Type', type, ['; charset=utf-8']);
  // octets of 0x80 and above: every octet of a character outside ASCII is one, so they are the octets
  // less the ASCII characters, counted natively (runs of ASCII taken out of the text). Text with any
  // (most that reaches here) is quoted-printable or base64 whatever else it holds; only ASCII text
  // (with a control character) needs the loop over every octet (for the bench template's HTML, 2.6 KB
  // with three "×": about 1 µs against 4.5 for the loop)
  const eightBit = octets.length - text.length + text.replace(ASCII_RUNS, '').length;
  const scan = eightBit === 0 ? scanText(octets) : null;
  if (scan && !scan.controls && scan.longestLine <= 998) {
    return { fields: `${contentType}Content-Transfer-Encoding: 7bit\r\n`, body: octets.toString('latin1') };
  }
  if (eightBit * 3 > octets.length) {
    return { fields: `${contentType}Content-Transfer-Encoding: base64\r\n`, body: encodeBase64(octets) };
  }
  const literal = scan !== null && !scan.needsEscape;
  return { fields: `${contentType}Content-Transfer-Encoding: quoted-printable\r\n`, body: encodeQuotedPrintable(octets, true, literal) };
}

/**
 * Anything but printable ASCII, HTAB, CR and LF: an 8-bit or a control character. The printable range
 * comes first: V8 tests the class a quarter faster so (0.64 against 0.84 ns a character).
 */
const NOT_PLAIN_ASCII = /[^\x20-\x7e\t\n\r]/;
/** Runs of ASCII characters (UTF-16 code units below 0x80). */
const ASCII_RUNS = /[^\x80-\uffff]+/g;
const BARE_CR_OR_LF = /\r(?!\n)|(?<!\r)\n/;

/** Every line break as CRLF (a bare CR or LF becomes one), the text left as it is when it has none. */
function crlfLineBreaks(content: string): string {
  if (!content.includes('\r')) return content.replaceAll('\n', '\r\n');
  return BARE_CR_OR_LF.test(content) ? content.replace(/\r\n|\r|\n/g, '\r\n') : content;
}

/**
 * Text of printable ASCII and line breaks (most mail): the same choice as scanText's, made on the
 * string with native searches (no UTF-8 copy, no loop over every octet; ASCII is its own latin1
 * form): 7bit when every line fits in 998 octets, else quoted-printable, escaping only when it holds
 * an "=" (trailing whitespace aside, which encodeQuotedPrintableText's soft breaks handle).
 */
function plainTextEntity(type: 'text/plain' | 'text/html', content: string): Entity {
  const contentType = mimeField('Content-Type', type, ['; charset=utf-8']);
  // line endings made CRLF: a bare CR or LF would otherwise reach the wire as the sender's program wrote it
  const text = crlfLineBreaks(content);
  let longestLine = 0;
  let lineStart = 0;
  for (let at = text.indexOf('\r\n'); at !== -1; at = text.indexOf('\r\n', lineStart)) {
    if (at - lineStart > longestLine) longestLine = at - lineStart;
    lineStart = at + 2;
  }
  if (text.length - lineStart > longestLine) longestLine = text.length - lineStart;
  if (longestLine <= 998) return { fields: `${contentType}Content-Transfer-Encoding: 7bit\r\n`, body: text };
  return { fields: `${contentType}Content-Transfer-Encoding: quoted-printable\r\n`, body: encodeQuotedPrintableText(text, !text.includes('=')) };
}

/** What decides the encoding of ASCII text (8-bit text is counted apart, in scannedTextEntity). */
interface TextScan {
  /** Control characters other than HTAB and CRLF (NUL included): never sent as they are. */
  controls: boolean;
  /** Octets quoted-printable must escape anywhere: "=" and those controls. */
  needsEscape: boolean;
  /** The longest line, CRLF not counted. */
  longestLine: number;
}

/** What each octet means to the scan: 0 nothing (CR included: every one is before an LF), 1 a control character, 3 LF, 4 "=". */
const OCTET_CLASS = new Uint8Array(128).map((_, b) => (b === 0x0d ? 0 : b === 0x0a ? 3 : b === 0x3d ? 4 : (b < 0x20 && b !== 0x09) || b === 0x7f ? 1 : 0));

/**
 * Everything the choice of encoding depends on, in one pass over the octets of ASCII text whose line
 * breaks are all CRLF, with a table lookup each (about 3 µs for 5 KB; a regular expression for the
 * controls over the text as latin1, plus the conversion, cost three times that).
 */
function scanText(octets: Buffer): TextScan {
  let controls = false;
  let equals = false;
  let longestLine = 0;
  let lineStart = 0;
  for (let i = 0; i < octets.length; i++) {
    const kind = OCTET_CLASS[octets[i] as number];
    if (kind === 0) continue;
    if (kind === 3) {
      longestLine = Math.max(longestLine, i - 1 - lineStart);
      lineStart = i + 1;
    } else if (kind === 4) equals = true;
    else controls = true;
  }
  longestLine = Math.max(longestLine, octets.length - lineStart);
  return { controls, needsEscape: controls || equals, longestLine };
}

function attachmentEntity(attachment: Attachment): Entity {
  const type = attachment.contentType ?? detectMimeType(attachment.filename);
  const disposition = attachment.contentId ? 'inline' : 'attachment';
  const fields =
    mimeField('Content-Type', type, [parameter('name', attachment.filename)]) +
    'Content-Transfer-Encoding: base64\r\n' +
    mimeField('Content-Disposition', disposition, [parameter('filename', attachment.filename)]) +
    (attachment.contentId ? verbatimField('Content-ID', `<${attachment.contentId}>`) : '');
  return { fields, body: encodeBase64(attachment.content) };
}

function multipart(subtype: string, parts: Entity[], boundary: string, extra: string[] = []): Entity {
  let body = '';
  for (const part of parts) {
    // a 7-bit part is the sender's text as it is: it must not hold the delimiter (random: practically never)
    if (part.body.includes(`--${boundary}`)) return multipart(subtype, parts, `${boundary}${randomUUID().slice(0, 8)}`, extra);
    body += `--${boundary}\r\n${part.fields}\r\n${part.body}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { fields: mimeField('Content-Type', `multipart/${subtype}`, [...extra, parameter('boundary', boundary)]), body };
}
