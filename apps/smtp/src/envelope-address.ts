import { isAsciiAddress, normalizeEmail } from '@herald/core';
import { smtpError } from './smtp-reply.ts';

export type EnvelopeAddress = { ok: true; email: string; domain: string } | { ok: false; error: Error & { responseCode: number } };

/**
 * An address of MAIL FROM or RCPT TO, checked by intake's rules and normalised (domain to A-labels,
 * a UTF-8 local part to NFC). A UTF-8 local part is an internationalised address: RFC 6531 §3.4 lets
 * a client use one only in a transaction that MAIL FROM opened with the SMTPUTF8 parameter; without
 * it the address is refused with 5.6.7 (550 at MAIL, 553 at RCPT: RFC 6531 §3.5). Refusals quote the
 * address with its non-ASCII characters written U+XXXX: a server offering SMTPUTF8 must not put
 * UTF-8 in these replies (RFC 6531 §3.7.4).
 */
export function envelopeAddress(address: string, role: 'sender' | 'recipient', smtpUtf8: boolean): EnvelopeAddress {
  const refuse = (code: number, text: string) => ({ ok: false as const, error: smtpError(code, asciiText(text)) });
  const normalized = normalizeEmail(address);
  if (!address || !normalized.ok) {
    const why = normalized.ok ? '' : `: ${normalized.reason}`;
    return refuse(553, role === 'sender' ? `5.1.7 the sender must be an address on a verified domain${why}` : `5.1.3 ${address}${why}`);
  }
  if (!smtpUtf8 && !isAsciiAddress(normalized.email)) {
    const what = role === 'sender' ? 'the sender' : address;
    return refuse(role === 'sender' ? 550 : 553, `5.6.7 ${what}: a non-ASCII address needs the SMTPUTF8 parameter on MAIL FROM (RFC 6531)`);
  }
  return normalized;
}

/** Printable ASCII: every other character as U+XXXX. */
function asciiText(text: string): string {
  return text.replace(/[^\x20-\x7e]/gu, (c) => `U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);
}
