import { domainToASCII } from 'node:url';

/** A mailbox as Herald stores it: lower-case ASCII domain (punycode for IDNs), local part as given. */
export interface Mailbox {
  email: string;
  name?: string;
}

export type AddressResult = { ok: true; mailbox: Mailbox } | { ok: false; reason: string };

// RFC 5322 dot-atom local part; quoted local parts are refused (rarely legitimate, often an attack).
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029\v\f]/;
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Validates an address and normalises its domain. Never throws. */
export function normalizeEmail(input: string): { ok: true; email: string; domain: string } | { ok: false; reason: string } {
  if (LINE_BREAKS.test(input) || CONTROL.test(input)) return { ok: false, reason: 'must not contain line breaks or control characters' };
  const email = input.trim();
  if (email.length > 254) return { ok: false, reason: 'must be at most 254 characters' };
  const at = email.lastIndexOf('@');
  if (at <= 0 || at === email.length - 1) return { ok: false, reason: 'must be an email address like name@example.com' };
  const local = email.slice(0, at);
  const rawDomain = email.slice(at + 1);
  if (local.length > 64) return { ok: false, reason: 'the part before @ must be at most 64 characters' };
  if (!LOCAL_PART.test(local)) {
    return /[^\u0020-\u007e]/.test(local)
      ? { ok: false, reason: 'non-ASCII characters before the @ (SMTPUTF8) are not supported' }
      : { ok: false, reason: 'the part before @ has characters that are not allowed' };
  }
  const domain = normalizeDomain(rawDomain);
  if (!domain) return { ok: false, reason: `"${rawDomain}" is not a valid domain name` };
  return { ok: true, email: `${local}@${domain}`, domain };
}

/** Lower-case ASCII form of a domain name (IDNs to punycode), or null when it is not a valid host name. */
export function normalizeDomain(input: string): string | null {
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
    if (LINE_BREAKS.test(input)) return { ok: false, reason: 'must not contain line breaks' };
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
    if (LINE_BREAKS.test(name) || CONTROL.test(name)) return { ok: false, reason: 'the name must not contain line breaks or control characters' };
    if (name.length > 256) return { ok: false, reason: 'the name must be at most 256 characters' };
  }
  const normalized = normalizeEmail(email);
  if (!normalized.ok) return normalized;
  return { ok: true, mailbox: name ? { email: normalized.email, name } : { email: normalized.email } };
}

export function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1);
}
