import { generateDkimKey } from '../crypto/dkim-key.ts';
import { seal } from '../crypto/seal.ts';
import type { Db } from '../db/client.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { newSelector } from './add-domain.ts';
import { DKIM_KEY_ORDER } from './refresh-domain.ts';

/**
 * Starts a DKIM rotation: a new key, under a new selector, for each algorithm the domain signs with.
 * The new keys are pending: they never sign until verification finds their records published; then
 * they replace the old keys, which stay published for the grace period. Never signs with an
 * unpublished key. One rotation at a time.
 */
export async function rotateDkim(db: Db, masterKey: Buffer, domainId: string, now = new Date()): Promise<{ selectors: string[] }> {
  // in the one key order: the new keys are made (and so ordered, by their ids) as the keys they follow
  const keys = await db.dkimKey.findMany({ where: { domainId, status: { in: ['active', 'pending'] } }, orderBy: DKIM_KEY_ORDER });
  if (keys.some((k) => k.status === 'pending')) {
    throw new HeraldError('conflict', 'a DKIM rotation is already waiting for its DNS record; publish it and verify the domain', {
      pending: keys.filter((k) => k.status === 'pending').map((k) => k.selector),
    });
  }
  const algorithms = [...new Set(keys.map((k) => k.algorithm))];
  if (algorithms.length === 0) algorithms.push('rsa_sha256');
  const created = algorithms.map((algorithm) => {
    const key = generateDkimKey(algorithm);
    return {
      id: newId('dkimKey', now.getTime()),
      domainId,
      selector: newSelector(now),
      algorithm,
      privateKeyEncrypted: seal(key.privateKeyPem, masterKey),
      publicKey: key.publicKey,
      status: 'pending' as const,
      createdAt: now,
    };
  });
  await db.dkimKey.createMany({ data: created });
  return { selectors: created.map((k) => k.selector) };
}
