import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

/**
 * Secrets at rest (DKIM private keys, webhook secrets) are sealed with AES-256-GCM under the master
 * key. Format: "v1.<iv>.<tag>.<ciphertext>", each part base64url. A wrong key or a modified value fails
 * to open instead of yielding garbage.
 */
const VERSION = 'v1';

export function seal(plaintext: string, key: Buffer): string {
  assertKey(key);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, iv.toString('base64url'), tag.toString('base64url'), ciphertext.toString('base64url')].join('.');
}

export function open(sealed: string, key: Buffer): string {
  assertKey(key);
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== VERSION || !iv || !tag || ciphertext === undefined) {
    throw new Error('sealed value has an unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  try {
    return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
  } catch {
    throw new Error('sealed value cannot be opened: wrong HERALD_MASTER_KEY or corrupted data');
  }
}

function assertKey(key: Buffer): void {
  if (key.length !== 32) throw new Error('the master key must be 32 bytes');
}
