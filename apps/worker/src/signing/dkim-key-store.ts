import { createPrivateKey } from 'node:crypto';
import { open, sqlPool, type Db } from '@herald/core';
import type { SigningKey } from './sign-message.ts';

export interface DkimKeyStore {
  /**
   * The keys with these ids, in this order: the sending domain's active keys as the delivery's load
   * read them. An id no longer in Postgres (its domain deleted) is left out.
   */
  signingKeys(keyIds: readonly string[]): Promise<SigningKey[]>;
}

const KEYS_SQL = `SELECT k.id, k.selector, k.algorithm, k.private_key_encrypted, d.name AS domain
  FROM dkim_keys k JOIN domains d ON d.id = k.domain_id WHERE k.id = ANY($1::text[])`;

interface KeyRow {
  id: string;
  selector: string;
  algorithm: SigningKey['algorithm'];
  private_key_encrypted: string;
  domain: string;
}

/** Parsed keys one worker keeps (oldest dropped first); a dropped key costs one query if it signs again. */
const DEFAULT_MAX_KEYS = 10_000;

/**
 * Decrypts and parses each key once per worker and keeps its KeyObject by key id, so signing never
 * parses a PEM per message. A key's material, selector and domain never change, so nothing here can
 * go stale: which keys sign is decided by the delivery's load query (the domain's active keys at that
 * moment), and a key a rotation deactivated is simply never asked for again. Keys not seen yet are
 * loaded together, in one query.
 */
export function createDkimKeyStore(db: Db, masterKey: Buffer, options: { maxKeys?: number } = {}): DkimKeyStore {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const cache = new Map<string, Promise<SigningKey | null>>();

  async function load(ids: string[]): Promise<Map<string, SigningKey>> {
    const { rows } = await sqlPool(db).query<KeyRow>(KEYS_SQL, [ids]);
    return new Map(
      rows.map((key) => [
        key.id,
        { domain: key.domain, selector: key.selector, algorithm: key.algorithm, privateKey: createPrivateKey(open(key.private_key_encrypted, masterKey)) },
      ]),
    );
  }

  return {
    async signingKeys(keyIds) {
      const missing = keyIds.filter((id) => !cache.has(id));
      if (missing.length > 0) {
        const loaded = load(missing);
        for (const id of missing) {
          const key = loaded.then((keys) => keys.get(id) ?? null);
          cache.set(id, key);
          // a failed load, or a key that is gone, is asked again next time
          key.then((found) => found ?? cache.delete(id), () => cache.delete(id));
        }
        while (cache.size > maxKeys) cache.delete(cache.keys().next().value as string);
      }
      const keys = await Promise.all(keyIds.map((id) => cache.get(id) ?? load([id]).then((k) => k.get(id) ?? null)));
      return keys.filter((key): key is SigningKey => key !== null);
    },
  };
}
