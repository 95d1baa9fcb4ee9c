import { encodeParameter, encodeUnstructured, encodeWords } from './encoded-words.ts';
import { foldLine } from './header-fields.ts';
import type { Mailbox } from '../intake/address.ts';

/**
 * Header fields and MIME parameters for messages Herald composes (RFC 5322, RFC 2047, RFC 2231).
 * Every value arrives validated (no line breaks, no control characters); what leaves is 7-bit (but
 * for addresses with UTF-8 local parts), folded at whitespace so that lines stay within 78 octets
 * where a break exists.
 */

// eslint-disable-next-line no-control-regex -- the 7-bit range is the point
const ASCII = /^[\x00-\x7f]*$/;
/** A phrase of atoms and spaces: a display name that needs no quoting (RFC 5322 §3.2.3). */
const ATOMS = /^[A-Za-z0-9!#$%&'*+\-/=?^_`{|}~ ]+$/;
/** An RFC 2045 token: a parameter value that needs no quoting. */
const TOKEN = /^[A-Za-z0-9!#$%&'*+\-.^_`{|}~]+$/;
/** Values shorter than this with no 8-bit character are written as they are (nothing to encode or break). */
const PLAIN_VALUE = 900;

export const isAsciiText = (text: string): boolean => ASCII.test(text);

/** Text as latin1 octets of its UTF-8 form: the representation encoded-words.ts works on. */
const utf8Octets = (text: string): string => Buffer.from(text, 'utf8').toString('latin1');

const quoted = (text: string): string => `"${text.replace(/[\\"]/g, '\\$&')}"`;

/**
 * "Name <addr>", the name as atoms, a quoted string, or encoded-words when it is not ASCII. An address
 * with a UTF-8 local part goes in as UTF-8 octets (RFC 6532 §3.2: an encoded-word cannot stand in an
 * addr-spec), which makes the message one that only a server offering SMTPUTF8 may receive.
 */
export function formatMailbox(mailbox: Mailbox): string {
  const { name } = mailbox;
  const email = isAsciiText(mailbox.email) ? mailbox.email : utf8Octets(mailbox.email);
  if (!name) return email;
  if (!isAsciiText(name)) return `${encodeWords(utf8Octets(name)).join(' ')} <${email}>`;
  return `${ATOMS.test(name) && name.trim() === name ? name : quoted(name)} <${email}>`;
}

/** "Name: value\r\n", folded. */
function field(name: string, value: string): string {
  return `${foldLine(`${name}: ${value}`, 78)}\r\n`;
}

/** An address list (From, To, Cc, Reply-To), one mailbox after another, folded between them. */
export function addressField(name: string, mailboxes: Mailbox[]): string {
  return field(name, mailboxes.map(formatMailbox).join(', '));
}

/** Unstructured text (Subject, custom headers): encoded-words where it is not ASCII or has a word too long to fold. */
export function textField(name: string, value: string): string {
  if (value.length < PLAIN_VALUE && isAsciiText(value)) return field(name, value);
  return field(name, encodeUnstructured(isAsciiText(value) ? value : utf8Octets(value)));
}

/** A field written exactly (Herald's own values: Message-ID, Date, MIME-Version). */
export function verbatimField(name: string, value: string): string {
  return `${name}: ${value}\r\n`;
}

/** `; name=value`: a token as it is, other ASCII quoted, anything else as RFC 2231 extended parameter(s). */
export function parameter(name: string, value: string): string {
  if (TOKEN.test(value)) return `; ${name}=${value}`;
  if (isAsciiText(value)) return `; ${name}=${quoted(value)}`;
  return `; ${encodeParameter({ name, value: utf8Octets(value), start: 0, end: 0 })}`;
}

/** A MIME field with parameters (Content-Type, Content-Disposition), folded between them. */
export function mimeField(name: string, value: string, parameters: string[] = []): string {
  return field(name, value + parameters.join(''));
}

/** RFC 5322 date-time in UTC: "Fri, 02 Jan 2026 03:04:05 +0000". */
export function formatDate(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}
