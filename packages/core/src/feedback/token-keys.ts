import { hkdfSync } from 'node:crypto';
import { BASE32_ALPHABET } from './base32.ts';

/**
 * The keys that sign feedback tokens, derived from the master key (HERALD_MASTER_KEY) with HKDF-SHA256
 * (RFC 5869), one per purpose, so that a token made for one job never verifies for another: a VERP
 * return path cannot be replayed as an unsubscribe token, and neither reveals anything about the
 * key that seals DKIM keys at rest.
 *
 * No salt: HKDF's salt only helps when the input key is not uniformly random, and the master key is
 * 32 random octets. The info labels are fixed strings; changing one invalidates every token of its
 * purpose in flight, so they are part of the wire format.
 */
export const TOKEN_KEY_LABELS = {
  verp: 'herald/feedback/verp-return-path/v1',
  unsubscribe: 'herald/feedback/unsubscribe/v1',
} as const;

export type TokenPurpose = keyof typeof TOKEN_KEY_LABELS;

/**
 * A key and the version character that names it inside every token it signs. Rotation: sign with a
 * new version (derived from a new master key) while still verifying the old one until its tokens
 * have aged out (bounces come back within days; unsubscribe links should live for months).
 */
export interface TokenKey {
  purpose: TokenPurpose;
  /** One character of the base32 alphabet. */
  version: string;
  key: Buffer;
}

/** The current token version: what new tokens are signed with. */
export const CURRENT_TOKEN_VERSION = '1';

export function deriveTokenKey(masterKey: Buffer, purpose: TokenPurpose, version: string = CURRENT_TOKEN_VERSION): TokenKey {
  if (masterKey.length < 32) throw new Error('the master key must be at least 32 bytes to derive feedback token keys');
  if (version.length !== 1 || !BASE32_ALPHABET.includes(version)) throw new Error(`a token version is one character of ${BASE32_ALPHABET}`);
  const key = Buffer.from(hkdfSync('sha256', masterKey, Buffer.alloc(0), TOKEN_KEY_LABELS[purpose], 32));
  return { purpose, version, key };
}

/** Both purposes' keys from one master key. */
export function deriveFeedbackKeys(masterKey: Buffer, version: string = CURRENT_TOKEN_VERSION): Record<TokenPurpose, TokenKey> {
  return { verp: deriveTokenKey(masterKey, 'verp', version), unsubscribe: deriveTokenKey(masterKey, 'unsubscribe', version) };
}
