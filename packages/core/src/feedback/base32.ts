/**
 * Lower-case Crockford base32, the alphabet of ULIDs (packages/core/src/ids.ts) written in lower
 * case. Tokens that travel in mailbox local parts use it because some MTAs fold a local part's case
 * on the way back (RFC 5321 §2.4 leaves case to the receiving host): lower-case base32 reads the
 * same after folding, while base64 would not. Decoding is strict: Crockford's look-alike aliases
 * (i, l → 1; o → 0) are refused, so every token has exactly one spelling (up to case) and a change
 * of any character is a different token.
 */
export const BASE32_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

const VALUE = new Map([...BASE32_ALPHABET].map((c, i) => [c, i]));

/** Whether every character of `text` (already lower-cased) is in the alphabet. */
export function isBase32(text: string): boolean {
  for (const c of text) if (!VALUE.has(c)) return false;
  return true;
}

/** The octets as base32, 5 bits a character, the last character padded with zero bits. */
export function encodeBase32(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}
