import type { SMTPServerAddress } from 'smtp-server';
import { smtpError } from './smtp-reply.ts';

/**
 * The MAIL FROM parameters of the extensions the listener advertises: SIZE (RFC 1870), BODY (8BITMIME,
 * RFC 6152), SMTPUTF8 (RFC 6531) and AUTH (RFC 4954 §5, the submitter's identity; accepted and not
 * used, since the session's own AUTH decides who sends). smtp-server checks their values (SIZE digits
 * and the limit, BODY=7BIT|8BITMIME, SMTPUTF8 without a value) before onMailFrom.
 */
const MAIL_PARAMETERS = new Set(['SIZE', 'BODY', 'SMTPUTF8', 'AUTH']);

/** RCPT TO takes none: DSN (NOTIFY, ORCPT) is not advertised. */
const RCPT_PARAMETERS = new Set<string>();

/** Parameters of extensions the listener does not offer, and what to say about them. */
const NOT_OFFERED: Record<string, string> = {
  RET: 'DSN is not offered',
  ENVID: 'DSN is not offered',
  NOTIFY: 'DSN is not offered',
  ORCPT: 'DSN is not offered',
  REQUIRETLS: 'REQUIRETLS is not offered',
};

/**
 * The refusal of a command carrying a parameter the listener does not offer: 555 5.5.4 (RFC 5321
 * §4.1.1.11, "MAIL FROM/RCPT TO parameters not recognized or not implemented"), naming it. A value-less
 * AUTH is a syntax error (501 5.5.4). Null when every parameter is one the command takes.
 */
function checkParameters(command: 'MAIL FROM' | 'RCPT TO', address: SMTPServerAddress, allowed: Set<string>): Error | null {
  for (const [name, value] of Object.entries(address.args || {})) {
    if (!allowed.has(name)) {
      const why = NOT_OFFERED[name];
      return smtpError(555, `5.5.4 ${command} parameter ${name} is not supported${why ? `: ${why}` : ''}`);
    }
    if (name === 'AUTH' && typeof value !== 'string') return smtpError(501, '5.5.4 the AUTH parameter needs a value (an address in xtext, or <>)');
  }
  return null;
}

export function checkMailParameters(address: SMTPServerAddress): Error | null {
  return checkParameters('MAIL FROM', address, MAIL_PARAMETERS);
}

export function checkRcptParameters(address: SMTPServerAddress): Error | null {
  return checkParameters('RCPT TO', address, RCPT_PARAMETERS);
}
