import { splitAddress } from './mailbox-address.ts';
import type { TokenSubject } from './signed-token.ts';
import type { TokenKey } from './token-keys.ts';
import { readUnsubscribeAddress } from './unsubscribe-token.ts';
import { readVerpAddress } from './verp-address.ts';

/**
 * What the inbound MX decides at RCPT: whether an address is one Herald issued, and which kind. It
 * accepts only signed return paths, signed unsubscribe mailboxes and the complaint mailbox, each at
 * one of Herald's return-path domains; everything else is refused (550 5.7.1) at RCPT, so Herald
 * never takes responsibility for a message it would have to bounce (no backscatter).
 */
export type InboundAddress =
  | { kind: 'bounce'; subject: TokenSubject }
  | { kind: 'unsubscribe'; subject: TokenSubject }
  | { kind: 'complaints' }
  | { kind: 'refused'; reason: string };

export interface InboundAddressRules {
  keys: readonly TokenKey[];
  /** Whether a (lower-cased) domain is one of Herald's return-path domains. */
  isOwnDomain: (domain: string) => boolean;
  /** The complaint mailbox's local part (where feedback loops send ARF reports), e.g. "fbl". */
  complaintMailbox: string;
}

export function recognizeInboundAddress(address: string, rules: InboundAddressRules): InboundAddress {
  const parts = splitAddress(address);
  if (!parts) return { kind: 'refused', reason: 'not an address' };
  if (!rules.isOwnDomain(parts.domain)) return { kind: 'refused', reason: `${parts.domain} is not a return-path domain of this server` };
  if (parts.local.toLowerCase() === rules.complaintMailbox.toLowerCase()) return { kind: 'complaints' };
  const bounce = readVerpAddress(rules.keys, address);
  if (bounce.ok) return { kind: 'bounce', subject: bounce.subject };
  if (bounce.reason !== 'not_verp') return { kind: 'refused', reason: `return path refused: ${bounce.reason}` };
  const unsubscribe = readUnsubscribeAddress(rules.keys, address);
  if (unsubscribe.ok) return { kind: 'unsubscribe', subject: unsubscribe.subject };
  if (unsubscribe.reason !== 'not_unsubscribe') return { kind: 'refused', reason: `unsubscribe address refused: ${unsubscribe.reason}` };
  return { kind: 'refused', reason: 'not an address this server issued' };
}
