import type { ComplaintReport } from './parse-arf.ts';
import type { TokenSubject } from './signed-token.ts';
import type { TokenKey } from './token-keys.ts';
import { readVerpAddress } from './verp-address.ts';

/**
 * The delivery an abuse report sent to the complaint mailbox is about. Feedback loops send them from
 * their own addresses, so only what the report quotes can say: the signed return path (its
 * Original-Mail-From, or the returned message's Return-Path), which proves it; else Herald's message
 * id in the returned Message-ID or X-Herald-Message-Id header, which only points (anyone who received
 * the message can quote it): `authenticated` says which.
 */
export function reportedSubject(keys: readonly TokenKey[], report: ComplaintReport): { subject: TokenSubject; authenticated: boolean } | null {
  for (const path of [report.originalMailFrom, report.originalHeaders?.returnPath]) {
    const check = path ? readVerpAddress(keys, path) : null;
    if (check?.ok) return { subject: check.subject, authenticated: true };
  }
  const id = report.originalHeaders?.heraldMessageId;
  return id ? { subject: { kind: 'message', id }, authenticated: false } : null;
}
