import { createPrivateKey } from 'node:crypto';
import { open, type Db } from '@herald/core';
import type { SigningKey } from './sign-message.ts';

export interface DkimKeyStore {
  /** The keys that sign a domain's messages now (usually one RSA key, optionally an Ed25519 one). */
  signingKeys(domainId: string): Promise<SigningKey[]>;
}

/**
 * Decrypts and parses each domain's active keys once and keeps the KeyObjects for a short time, so
 * signing never parses a PEM per message and a rotation is picked up within the TTL.
 */
export function createDkimKeyStore(db: Db, masterKey: Buffer, options: { ttlMs?: number; now?: () => number } = {}): DkimKeyStore {
  const ttl = options.ttlMs ?? 60_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { expires: number; keys: Promise<SigningKey[]> }>();

  async function load(domainId: string): Promise<SigningKey[]> {
    const domain = await db.domain.findUnique({
      where: { id: domainId },
      select: { name: true, dkimKeys: { where: { status: 'active' }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] } },
    });
    if (!domain) return [];
    return domain.dkimKeys.map((key) => ({
      domain: domain.name,
      selector: key.selector,
      algorithm: key.algorithm,
      privateKey: createPrivateKey(open(key.privateKeyEncrypted, masterKey)),
    }));
  }

  return {
    signingKeys(domainId) {
      const hit = cache.get(domainId);
      if (hit && hit.expires > now()) return hit.keys;
      const keys = load(domainId);
      cache.set(domainId, { expires: now() + ttl, keys });
      keys.catch(() => cache.delete(domainId));
      return keys;
    },
  };
}
