import { isAscii } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import mimeTypes from 'nodemailer/lib/mime-funcs/mime-types.js';
import type { Attachment, SendRequest } from '../intake/send-request.ts';
import { addressField, formatDate, mimeField, parameter, textField, verbatimField } from './compose-fields.ts';
import { hasLongLine } from './header-fields.ts';
import { encodeBase64, encodeQuotedPrintable } from './transfer-encoding.ts';

export type MessageContent = Pick<SendRequest, 'from' | 'to' | 'subject' | 'text' | 'html'> &
  Partial<Pick<SendRequest, 'cc' | 'replyTo' | 'headers' | 'attachments'>> & {
    /** Without angle brackets. */
    messageId: string;
    date: Date;
  };

/** A MIME entity being composed: its Content-* fields (each ending in CRLF) and its encoded body (7-bit). */
interface Entity {
  fields: string;
  body: string;
}

/**
 * Builds the RFC 5322 message once, at intake: 7-bit, CRLF line endings, no line over 998 octets.
 * Composed directly from the validated fields (never from objects that could name a file or a URL):
 * names, subjects and custom header values in any language become RFC 2047 encoded-words, file names
 * RFC 2231 parameters; text and HTML are sent as they are when they are ASCII with lines of at most
 * 998 octets, else quoted-printable (base64 when most of it is not ASCII); attachments are base64.
 * Bcc recipients never appear in the headers. Structure: text and HTML in multipart/alternative,
 * inline images (content_id) with the HTML in multipart/related, attachments in multipart/mixed.
 */
export function buildMessage(content: MessageContent): Buffer {
  const boundary = newBoundary();
  let level = 0;
  const nextBoundary = () => `${boundary}_${++level}`;

  const attachments = content.attachments ?? [];
  const inline = content.html !== undefined ? attachments.filter((a) => a.contentId) : [];
  const attached = attachments.filter((a) => !inline.includes(a));

  const html = content.html !== undefined ? textEntity('text/html', content.html) : null;
  const text = content.text !== undefined ? textEntity('text/plain', content.text) : null;
  const htmlWithImages = html && inline.length > 0 ? multipart('related', [html, ...inline.map(attachmentEntity)], nextBoundary(), ['; type="text/html"']) : html;
  const readable = [text, htmlWithImages].filter((e): e is Entity => e !== null);
  const body = readable.length > 1 ? multipart('alternative', readable, nextBoundary()) : (readable[0] ?? textEntity('text/plain', ''));
  const root = attached.length > 0 ? multipart('mixed', [body, ...attached.map(attachmentEntity)], nextBoundary()) : body;

  let head = addressField('From', [content.from]);
  if (content.to.length > 0) head += addressField('To', content.to);
  if (content.cc?.length) head += addressField('Cc', content.cc);
  if (content.replyTo?.length) head += addressField('Reply-To', content.replyTo);
  head += textField('Subject', content.subject);
  head += verbatimField('Date', formatDate(content.date));
  head += verbatimField('Message-ID', `<${content.messageId}>`);
  head += verbatimField('MIME-Version', '1.0');
  for (const [name, value] of content.headers ?? []) head += textField(name, value);
  return Buffer.from(`${head}${root.fields}\r\n${root.body}`, 'latin1');
}

/** A boundary that quoted-printable and base64 text can never contain ("=_"); 7-bit parts are checked. */
function newBoundary(): string {
  return `=_herald_${randomUUID().replace(/-/g, '')}`;
}

/** Line endings made CRLF (a bare CR or LF would otherwise reach the wire as the sender's program wrote it). */
const crlf = (text: string): string => (/\r(?!\n)|(?<!\r)\n/.test(text) ? text.replace(/\r\n|\r|\n/g, '\r\n') : text);

function textEntity(type: 'text/plain' | 'text/html', content: string): Entity {
  const normalized = crlf(content);
  const octets = Buffer.from(normalized, 'utf8');
  const contentType = mimeField('Content-Type', type, ['; charset=utf-8']);
  if (isAscii(octets) && !hasLongLine(normalized, 998)) {
    return { fields: `${contentType}Content-Transfer-Encoding: 7bit\r\n`, body: normalized };
  }
  if (!isAscii(octets) && mostlyEightBit(octets)) {
    return { fields: `${contentType}Content-Transfer-Encoding: base64\r\n`, body: encodeBase64(octets) };
  }
  return { fields: `${contentType}Content-Transfer-Encoding: quoted-printable\r\n`, body: encodeQuotedPrintable(octets, true) };
}

function mostlyEightBit(octets: Buffer): boolean {
  let eightBit = 0;
  for (let i = 0; i < octets.length; i++) if ((octets[i] as number) >= 0x80) eightBit++;
  return eightBit * 3 > octets.length;
}

function attachmentEntity(attachment: Attachment): Entity {
  const type = attachment.contentType ?? mimeTypes.detectMimeType(attachment.filename);
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
