import { domainToASCII } from 'node:url';
import addressparser from 'nodemailer/lib/addressparser/index.js';
import { LINE_BREAK } from './message-rules.ts';

/**
 * A mailbox as Herald stores it: lower-case ASCII domain (punycode for IDNs), local part as given but
 * in Unicode NFC when it is not ASCII (an internationalised address, RFC 6531/6532).
 */
export interface Mailbox {
  email: string;
  name?: string;
}

export type AddressResult = { ok: true; mailbox: Mailbox } | { ok: false; reason: string };

/** The ASCII characters of RFC 5322 atext; RFC 6532 §3.2 adds every non-ASCII character (UTF8-non-ascii). */
const ASCII_ATEXT = "A-Za-z0-9!#$%&'*+/=?^_`{|}~\\-";
const ATOM = `[${ASCII_ATEXT}\\u{80}-\\u{10FFFF}]+`;
// a dot-atom local part; quoted local parts are refused (rarely legitimate, often an attack)
const LOCAL_PART = new RegExp(`^${ATOM}(?:\\.${ATOM})*$`, 'u');
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
/**
 * What an address never holds, though RFC 6532 would let some of it through: other control characters
 * (C1), invisible format characters (bidirectional controls U+200E/F, U+202A–U+202E, U+2066–U+2069,
 * zero-width U+200B–U+200D, U+2060, U+FEFF, the soft hyphen, …: all of category Cf), lone surrogates,
 * private-use and unassigned code points, every kind of space but the ASCII one (which the syntax
 * refuses), and U+FFFD (what invalid UTF-8 decodes to). Domains are checked too: IDNA mapping would
 * otherwise drop some of these without a word.
 */
const NEVER = /(?! )[\p{C}\p{Z}\uFFFD]/u;
/** A combining mark cannot begin an atom (it would combine with the "@", a "." or nothing). */
const LEADING_MARK = /(?:^|\.)\p{M}/u;

const octets = (text: string): number => Buffer.byteLength(text, 'utf8');

/** "U+202E" for a character. */
const codePoint = (c: string): string => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;

/** Whether an address (or any text) is all ASCII: an address that is not needs SMTPUTF8 (RFC 6531). */
export function isAsciiAddress(address: string): boolean {
  // eslint-disable-next-line no-control-regex -- the 7-bit range is the point
  return /^[\x00-\x7f]*$/.test(address);
}

/**
 * Validates an address and normalises it: the domain to lower-case A-labels (punycode), a non-ASCII
 * local part to Unicode NFC (RFC 6530 §10.1) and nothing else (no case folding, no compatibility
 * mapping). Limits are in octets of UTF-8: 64 before the @, 254 in all (RFC 5321 §4.5.3.1 with RFC
 * 6531 §3.3). Never throws.
 */
export function normalizeEmail(input: string): { ok: true; email: string; domain: string } | { ok: false; reason: string } {
  if (LINE_BREAK.test(input) || CONTROL.test(input)) return { ok: false, reason: 'must not contain line breaks or control characters' };
  // only ASCII spaces are trimmed: String.prototype.trim would also drop U+FEFF and Unicode spaces unseen
  const email = input.replace(/^ +| +$/g, '');
  // characters never outnumber octets: an early answer for a long input
  if (email.length > 254) return { ok: false, reason: 'must be at most 254 octets' };
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return { ok: false, reason: 'must be an email address like name@example.com' };
  const ascii = isAsciiAddress(email);
  // ASCII controls were refused above and the ASCII space is the syntax's: only other characters to check
  const never = ascii ? undefined : NEVER.exec(email)?.[0];
  if (never !== undefined) return { ok: false, reason: neverReason(never) };
  const local = ascii ? email.slice(0, at) : email.slice(0, at).normalize('NFC');
  const rawDomain = email.slice(at + 1);
  if (octets(local) > 64) return { ok: false, reason: 'the part before @ must be at most 64 octets (of UTF-8)' };
  if (!LOCAL_PART.test(local)) return { ok: false, reason: 'the part before @ has characters that are not allowed' };
  if (LEADING_MARK.test(local)) return { ok: false, reason: 'the part before @ must not begin a word with a combining mark' };
  const domain = normalizeDomain(rawDomain);
  if (!domain) return { ok: false, reason: `"${rawDomain}" is not a valid domain name` };
  const normalized = `${local}@${domain}`;
  if (octets(normalized) > 254) return { ok: false, reason: 'must be at most 254 octets' };
  return { ok: true, email: normalized, domain };
}

function neverReason(c: string): string {
  if (c === '\uFFFD') return 'must be valid UTF-8 (it contains U+FFFD, the replacement character)';
  if (/\p{Cs}/u.test(c)) return 'must be valid Unicode (it contains a lone surrogate)';
  if (/\p{Z}/u.test(c)) return `must not contain spaces (${codePoint(c)})`;
  return `must not contain invisible, formatting or control characters (${codePoint(c)})`;
}

/**
 * Domains normalised lately (a pure function of its input, asked about the same few domains again and
 * again: the sender's, the large mailbox providers'): about 0.9 µs each time saved (domainToASCII,
 * the split, a test per label). Emptied when full, so it never holds more than this many (of at most
 * 254 characters each).
 */
const RECENT_DOMAINS = new Map<string, string | null>();
const RECENT_DOMAINS_MAX = 4096;

/** Lower-case ASCII form of a domain name (IDNs to punycode), or null when it is not a valid host name. */
export function normalizeDomain(input: string): string | null {
  // a name longer than a domain can be is never valid: not worth remembering
  if (input.length > 254) return normalizeDomainOnce(input);
  let normalized = RECENT_DOMAINS.get(input);
  if (normalized === undefined) {
    normalized = normalizeDomainOnce(input);
    if (RECENT_DOMAINS.size >= RECENT_DOMAINS_MAX) RECENT_DOMAINS.clear();
    RECENT_DOMAINS.set(input, normalized);
  }
  return normalized;
}

function normalizeDomainOnce(input: string): string | null {
  if (input.startsWith('[') || /^[0-9.]+$/.test(input)) return null; // address literals: never
  const ascii = domainToASCII(input.replace(/\.$/, ''));
  if (!ascii || ascii.length > 253) return null;
  const labels = ascii.toLowerCase().split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1] as string)) return null;
  return labels.join('.');
}

/**
 * Accepts "addr", "Name <addr>" or { email, name }. Display names may be any language (they are
 * RFC 2047-encoded when the message is built) but never contain line breaks.
 */
export function parseMailbox(input: string | { email: string; name?: string | undefined }): AddressResult {
  let email: string;
  let name: string | undefined;
  if (typeof input === 'string') {
    if (LINE_BREAK.test(input)) return { ok: false, reason: 'must not contain line breaks' };
    const angle = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(input);
    if (angle) {
      name = (angle[1] ?? '').replace(/^"(.*)"$/, '$1').trim() || undefined;
      email = angle[2] as string;
    } else {
      email = input;
    }
  } else {
    email = input.email;
    name = input.name;
  }
  if (name !== undefined) {
    if (LINE_BREAK.test(name) || CONTROL.test(name)) return { ok: false, reason: 'the name must not contain line breaks or control characters' };
    if (name.length > 256) return { ok: false, reason: 'the name must be at most 256 characters' };
  }
  const normalized = normalizeEmail(email);
  if (!normalized.ok) return normalized;
  return { ok: true, mailbox: name ? { email: normalized.email, name } : { email: normalized.email } };
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}

/**
 * An address list as one header-style string ("Ann <a@x.example>, b@y.example", quoted names with
 * commas allowed), split into its mailboxes for parseMailbox; groups are flattened.
 */
export function splitAddressList(text: string): { email: string; name?: string }[] {
  return addressparser(text, { flatten: true }).map((a) => (a.name ? { email: a.address ?? '', name: a.name } : { email: a.address ?? '' }));
}
