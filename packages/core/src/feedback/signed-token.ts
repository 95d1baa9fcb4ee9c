import { createHmac, timingSafeEqual } from 'node:crypto';
import { ID_PREFIXES } from '../ids.ts';
import { encodeBase32, isBase32 } from './base32.ts';
import type { TokenKey, TokenPurpose } from './token-keys.ts';

/**
 * A signed token naming one thing Herald sent: a recipient (the usual case) or a whole message.
 *
 *   <version 1><kind 1><ULID 26><MAC 16>   = 44 characters, lower-case base32
 *
 * Why one id and not a message id and a recipient id: Herald's ids are a prefix and a 26-character
 * ULID; two ULIDs take 52 characters, which leaves 64 - 52 - 2 = 10 characters (50 bits) for the MAC
 * inside the 64-octet limit of a local part (RFC 5321 §4.5.3.1.1), and the "bounces+" prefix would
 * not fit at all. A recipient's row names its message and project, so the recipient id alone says as
 * much as the pair; a message id is used only where one token stands for several recipients (a
 * transaction with several RCPTs shares one envelope sender).
 *
 * Why an 80-bit MAC (HMAC-SHA256 truncated to 10 octets): forging needs the key; without it each
 * guess is one RCPT at Herald's MX (there is no offline oracle), so the chance per guess is 2^-80 and
 * a billion guesses a second for a century stay below 2^-18. 80 bits is also the strength of a ULID's
 * random part, so the token is no weaker than the id it carries. More bits would only lengthen the
 * address; fewer would leave less margin for deployments that never rotate.
 *
 * The MAC covers the version, the kind and the id, under a key derived for one purpose; it is
 * compared in constant time. Tokens are read case-insensitively.
 */
export const TOKEN_LENGTH = 44;
const MAC_OCTETS = 10;
const MAC_CHARS = 16;

export type TokenSubject = { kind: 'recipient'; id: string } | { kind: 'message'; id: string };

const KIND_CHAR = { recipient: 'r', message: 'm' } as const;
const PREFIX = { recipient: ID_PREFIXES.recipient, message: ID_PREFIXES.message } as const;
// a ULID is 128 bits in 26 characters, so its first character is at most 7
const ULID = /^[0-7][0-9a-hjkmnp-tv-z]{25}$/;

export type TokenRefusal = 'malformed' | 'unknown_version' | 'bad_signature';

export type TokenCheck = { ok: true; subject: TokenSubject; version: string } | { ok: false; reason: TokenRefusal };

/** The token for `subject`, signed with `key`. Throws on an id that is not one of Herald's: a programming error. */
export function issueToken(key: TokenKey, subject: TokenSubject): string {
  const prefix = `${PREFIX[subject.kind]}_`;
  const ulid = subject.id.startsWith(prefix) ? subject.id.slice(prefix.length).toLowerCase() : '';
  if (!ULID.test(ulid)) throw new Error(`not a ${subject.kind} id: ${subject.id}`);
  const body = `${key.version}${KIND_CHAR[subject.kind]}${ulid}`;
  return body + mac(key.key, body);
}

/**
 * Checks a token against the keys of one purpose (the current one and any still accepted); answers
 * with the subject or why not. Never throws: a token is input from strangers.
 */
export function verifyToken(keys: readonly TokenKey[], purpose: TokenPurpose, token: string): TokenCheck {
  const text = token.toLowerCase();
  if (text.length !== TOKEN_LENGTH || !isBase32(text)) return { ok: false, reason: 'malformed' };
  const version = text[0] as string;
  const kind = text[1] === 'r' ? 'recipient' : text[1] === 'm' ? 'message' : null;
  const ulid = text.slice(2, 28);
  if (!kind || !ULID.test(ulid)) return { ok: false, reason: 'malformed' };
  const key = keys.find((k) => k.purpose === purpose && k.version === version);
  if (!key) return { ok: false, reason: 'unknown_version' };
  const expected = Buffer.from(mac(key.key, text.slice(0, 28)), 'latin1');
  const given = Buffer.from(text.slice(28), 'latin1');
  if (!timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, version, subject: { kind, id: `${PREFIX[kind]}_${ulid.toUpperCase()}` } };
}

function mac(key: Buffer, body: string): string {
  const digest = createHmac('sha256', key).update(body, 'latin1').digest().subarray(0, MAC_OCTETS);
  const encoded = encodeBase32(digest);
  if (encoded.length !== MAC_CHARS) throw new Error('unreachable: 80 bits are 16 base32 characters');
  return encoded;
}
