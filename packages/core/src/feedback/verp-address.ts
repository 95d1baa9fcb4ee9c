import { splitAddress, tokenAfterLabel } from './mailbox-address.ts';
import { issueToken, verifyToken, type TokenCheck, type TokenRefusal, type TokenSubject } from './signed-token.ts';
import type { TokenKey } from './token-keys.ts';

/**
 * VERP return paths: the envelope sender of every message Herald sends is
 *
 *   bounces+<signed token>@<return-path domain>     (8 + 44 = 52 octets of local part, under 64)
 *
 * naming the recipient (a transaction with one RCPT) or the message (several), so that a bounce that
 * comes back says whose it is, and only Herald can make one that does (see signed-token.ts).
 */
export const VERP_LABEL = 'bounces';

/** The return path for `subject` at `domain`. */
export function verpAddress(key: TokenKey, subject: TokenSubject, domain: string): string {
  if (key.purpose !== 'verp') throw new Error('a VERP return path is signed with the verp key');
  return `${VERP_LABEL}+${issueToken(key, subject)}@${domain}`;
}

export type VerpCheck = (TokenCheck & { ok: true; domain: string }) | { ok: false; reason: TokenRefusal | 'not_verp' };

/**
 * Reads a return path (as an RCPT at the inbound MX, a Return-Path header or ARF's
 * Original-Mail-From): the subject it names if Herald signed it, or why not. The domain is returned,
 * not checked: which domains are Herald's is the listener's knowledge.
 */
export function readVerpAddress(keys: readonly TokenKey[], address: string): VerpCheck {
  const parts = splitAddress(address);
  const token = parts && tokenAfterLabel(parts.local, VERP_LABEL);
  if (!parts || token === null) return { ok: false, reason: 'not_verp' };
  const check = verifyToken(keys, 'verp', token);
  return check.ok ? { ...check, domain: parts.domain } : check;
}
