import { createHash, randomBytes } from 'node:crypto';
import type { ApiKeyMode } from '../generated/prisma/enums.ts';

/**
 * API keys look like `hk_live_<30 base62 characters><6 base62 checksum>`: a recognisable prefix that
 * secret scanners can match, 178 bits of randomness, and a CRC-32 checksum so that a typo or a random
 * string is refused without a database lookup. Only the SHA-256 of the key is stored; a key with this
 * much entropy needs no slow hash.
 */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const RANDOM_CHARS = 30;
const CHECKSUM_CHARS = 6;
const KEY_PATTERN = /^hk_(live|test)_([0-9A-Za-z]{36})$/;

export interface NewApiKey {
  key: string;
  hash: string;
  /** What listings show: the mode and the first characters of the random part. */
  prefix: string;
  mode: ApiKeyMode;
}

export function generateApiKey(mode: ApiKeyMode): NewApiKey {
  let body = '';
  // rejection sampling keeps every character uniform over the 62-letter alphabet
  while (body.length < RANDOM_CHARS) {
    for (const byte of randomBytes(RANDOM_CHARS)) {
      if (byte < 248 && body.length < RANDOM_CHARS) body += ALPHABET[byte % 62];
    }
  }
  const head = `hk_${mode}_${body}`;
  const key = head + base62(crc32(Buffer.from(head)), CHECKSUM_CHARS);
  return { key, hash: hashApiKey(key), prefix: key.slice(0, `hk_${mode}_`.length + 6), mode };
}

/** True when the string has the shape and a valid checksum of a Herald API key. */
export function isWellFormedApiKey(key: string): boolean {
  const match = KEY_PATTERN.exec(key);
  if (!match) return false;
  const head = key.slice(0, key.length - CHECKSUM_CHARS);
  return key.slice(-CHECKSUM_CHARS) === base62(crc32(Buffer.from(head)), CHECKSUM_CHARS);
}

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function base62(value: number, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 62] + out;
    rest = Math.floor(rest / 62);
  }
  return out;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
