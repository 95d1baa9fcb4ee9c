import { isAsciiAddress, normalizeEmail } from '@herald/core';
import { smtpError } from './smtp-reply.ts';

export type EnvelopeAddress = { ok: true; email: string; domain: string } | { ok: false; error: Error & { responseCode: number } };

/**
 * An address of MAIL FROM or RCPT TO, checked by intake's rules and normalised (domain to A-labels,
 * a UTF-8 local part to NFC). A UTF-8 local part is an internationalised address: RFC 6531 §3.4 lets
 * a client use one only in a transaction that MAIL FROM opened with the SMTPUTF8 parameter; without
 * it the address is refused with 553 5.6.7.
 */
export function envelopeAddress(address: string, role: 'sender' | 'recipient', smtpUtf8: boolean): EnvelopeAddress {
  const normalized = normalizeEmail(address);
  if (!address || !normalized.ok) {
    const why = normalized.ok ? '' : `: ${normalized.reason}`;
    return {
      ok: false,
      error: role === 'sender' ? smtpError(553, `5.1.7 the sender must be an address on a verified domain${why}`) : smtpError(553, `5.1.3 ${address}${why}`),
    };
  }
  if (!smtpUtf8 && !isAsciiAddress(normalized.email)) {
    return { ok: false, error: smtpError(553, `5.6.7 ${role === 'sender' ? 'the sender' : address}: a non-ASCII address needs the SMTPUTF8 parameter on MAIL FROM (RFC 6531)`) };
  }
  return normalized;
}
