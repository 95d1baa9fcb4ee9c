import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { DKIM_KEY_ORDER, pgPool, SQL_POOL, type Db } from '@herald/core';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { createDkimKeyStore } from './dkim-key-store.ts';

/** The worker's view of the database (no Prisma), with the key store's reads of dkim_keys counted. */
function counted(db: Db): { db: Db; reads: () => number } {
  let reads = 0;
  const pool = pgPool(db);
  const counting = new Proxy(pool, {
    get(target, name) {
      if (name !== 'query') return Reflect.get(target, name) as unknown;
      return (config: pg.QueryConfig | string, values?: unknown[]) => {
        if ((typeof config === 'string' ? config : config.text).includes('dkim_keys')) reads++;
        return target.query(config as pg.QueryConfig, values);
      };
    },
  });
  return { db: { [SQL_POOL]: counting } as unknown as Db, reads: () => reads };
}

describe('the DKIM key store', () => {
  let h: DeliveryHarness;
  let keys: { id: string; selector: string; algorithm: string }[];

  beforeAll(async () => {
    h = await startDeliveryHarness('keystore', {}, { ed25519: true });
    const domain = await h.db.domain.findFirstOrThrow({ where: { projectId: h.projectId } });
    keys = await h.db.dkimKey.findMany({ where: { domainId: domain.id }, orderBy: DKIM_KEY_ORDER });
  });
  afterAll(() => h.close());

  it('decrypts and parses each key once, loading the keys it has not seen in one query, however many deliveries ask at once', async () => {
    const db = counted(h.db);
    const store = createDkimKeyStore(db.db, h.deps.masterKey);
    const ids = keys.map((k) => k.id);
    const answers = await Promise.all(Array.from({ length: 20 }, () => store.signingKeys(ids)));
    expect(db.reads()).toBe(1);
    expect(answers.every((answer) => answer.map((k) => k.selector).join() === keys.map((k) => k.selector).join())).toBe(true);
    await store.signingKeys(ids.slice(1));
    expect(db.reads()).toBe(1);
  });

  it('answers exactly the keys asked for, in that order, and leaves out one that no longer exists', async () => {
    const store = createDkimKeyStore(h.deps.db, h.deps.masterKey);
    const [rsa, ed25519] = keys;
    const answer = await store.signingKeys([ed25519?.id as string, 'dkim_gone', rsa?.id as string]);
    expect(answer.map((k) => [k.selector, k.algorithm])).toEqual([
      [ed25519?.selector, 'ed25519_sha256'],
      [rsa?.selector, 'rsa_sha256'],
    ]);
    expect(answer.every((k) => k.privateKey.type === 'private')).toBe(true);
    expect(await store.signingKeys([])).toEqual([]);
  });

  it('asks Postgres again for a key that was missing, and drops the oldest keys past its bound', async () => {
    const db = counted(h.db);
    const store = createDkimKeyStore(db.db, h.deps.masterKey, { maxKeys: 1 });
    const [rsa, ed25519] = keys.map((k) => k.id) as [string, string];
    await store.signingKeys(['dkim_gone']);
    await store.signingKeys(['dkim_gone']);
    expect(db.reads()).toBe(2);
    await store.signingKeys([rsa]);
    await store.signingKeys([ed25519]);
    await store.signingKeys([ed25519]);
    expect(db.reads()).toBe(4);
    await store.signingKeys([rsa]);
    expect(db.reads()).toBe(5);
  });
});
