import { generateKeyPairSync } from 'node:crypto';
import type { DkimAlgorithm } from '../generated/prisma/enums.ts';

export interface GeneratedDkimKey {
  algorithm: DkimAlgorithm;
  /** PKCS#8 PEM; seal it before storing. */
  privateKeyPem: string;
  /** base64 of the public key as the DNS record's p= tag wants it. */
  publicKey: string;
}

/** RSA-2048 by default (RFC 8301 forbids less than 1024 and recommends 2048); Ed25519 per RFC 8463. */
export function generateDkimKey(algorithm: DkimAlgorithm = 'rsa_sha256'): GeneratedDkimKey {
  if (algorithm === 'ed25519_sha256') {
    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    // RFC 8463: p= is the raw 32-byte public key, the last 32 bytes of the SPKI DER
    const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
    return {
      algorithm,
      privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
      publicKey: raw.toString('base64'),
    };
  }
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    algorithm,
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKey: publicKey.export({ type: 'spki', format: 'der' }).toString('base64'),
  };
}

/** The TXT record value to publish at <selector>._domainkey.<domain>. */
export function dkimRecordValue(key: { algorithm: DkimAlgorithm; publicKey: string }): string {
  const k = key.algorithm === 'ed25519_sha256' ? 'ed25519' : 'rsa';
  return `v=DKIM1; k=${k}; p=${key.publicKey}`;
}
