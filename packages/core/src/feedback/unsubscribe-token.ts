import { splitAddress, tokenAfterLabel } from './mailbox-address.ts';
import { issueToken, verifyToken, type TokenCheck, type TokenRefusal, type TokenSubject } from './signed-token.ts';
import type { TokenKey } from './token-keys.ts';

/**
 * One-click unsubscribe (RFC 8058) and its mail form (RFC 2369): each message names an HTTPS URL and
 * a mailto, both carrying a token signed with the unsubscribe key (never the VERP one, so a return
 * path seen by a receiving server cannot be replayed to unsubscribe anyone).
 *
 * The token names the recipient, whose row gives the message and project: one token per recipient
 * means the List-Unsubscribe header differs per recipient, so such a message is signed and sent per
 * recipient. A message token is for a message whose recipients all get the same bytes; what it
 * unsubscribes (the sender of the mailto, or every recipient of a one-recipient message) is the
 * endpoint's decision, never a guess here.
 */
export const UNSUBSCRIBE_LABEL = 'unsubscribe';

export function unsubscribeToken(key: TokenKey, subject: TokenSubject): string {
  if (key.purpose !== 'unsubscribe') throw new Error('an unsubscribe token is signed with the unsubscribe key');
  return issueToken(key, subject);
}

/** `base` (an https: URL, ending in "/" to add a path segment) with the token as its last path segment. */
export function unsubscribeUrl(base: string, token: string): string {
  const url = new URL(base);
  if (url.protocol !== 'https:') throw new Error('RFC 8058 one-click unsubscribe needs an https: URL');
  if (url.search || url.hash) throw new Error('the unsubscribe base URL takes no query or fragment');
  return new URL(token, url).toString();
}

export function unsubscribeMailbox(token: string, domain: string): string {
  return `${UNSUBSCRIBE_LABEL}+${token}@${domain}`;
}

/**
 * The two headers a message needs for one-click unsubscribe: List-Unsubscribe with the HTTPS URL
 * first (RFC 8058 §3.1 requires one) and the mailto (left out when there is no mail domain: no
 * inbound MX would receive it), and List-Unsubscribe-Post. Both must be covered by the message's
 * DKIM signature (RFC 8058 §4).
 */
export function listUnsubscribeHeaders(
  key: TokenKey,
  subject: TokenSubject,
  where: { urlBase: string; mailDomain?: string | undefined },
): { 'List-Unsubscribe': string; 'List-Unsubscribe-Post': string } {
  const token = unsubscribeToken(key, subject);
  const mailto = where.mailDomain ? `, <mailto:${unsubscribeMailbox(token, where.mailDomain)}>` : '';
  return {
    'List-Unsubscribe': `<${unsubscribeUrl(where.urlBase, token)}>${mailto}`,
    'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
  };
}

export type UnsubscribeCheck = TokenCheck | { ok: false; reason: TokenRefusal | 'not_unsubscribe' };

/** A token from the URL (the one-click POST or a GET's confirmation page). */
export function readUnsubscribeToken(keys: readonly TokenKey[], token: string): UnsubscribeCheck {
  return verifyToken(keys, 'unsubscribe', token);
}

/** The mailto form, as an RCPT at the inbound MX. */
export function readUnsubscribeAddress(keys: readonly TokenKey[], address: string): UnsubscribeCheck & { domain?: string } {
  const parts = splitAddress(address);
  const token = parts && tokenAfterLabel(parts.local, UNSUBSCRIBE_LABEL);
  if (!parts || token === null) return { ok: false, reason: 'not_unsubscribe' };
  const check = verifyToken(keys, 'unsubscribe', token);
  return check.ok ? { ...check, domain: parts.domain } : check;
}
