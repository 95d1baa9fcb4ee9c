import type { ApiKeyMode } from '../generated/prisma/enums.ts';
import { hashApiKey, isWellFormedApiKey } from '../crypto/api-key.ts';
import { sqlPool, type Db } from '../db/client.ts';
import { idArray, prepared } from '../db/sql.ts';
import { createGroupWriter, type GroupWriter } from '../db/group-writer.ts';
import type { Log } from '../logger.ts';
import type { Store } from '../db/store.ts';

/** What a valid key lets its bearer do, for the API and the SMTP listener alike. */
export interface KeyContext {
  projectId: string;
  apiKeyId: string;
  mode: ApiKeyMode;
  scopes: string[];
  /** Sending domains the key is limited to; empty: all the project's. */
  domains: string[];
  /** The project's own daily recipient quota, if it has one. */
  dailyQuota: number | null;
  /** The project's messages reach no mail server (test key or test-mode project). */
  test: boolean;
}

export interface KeyRow {
  hash: string; id: string; projectId: string; mode: ApiKeyMode; scopes: string[]; domains: string[]; lastUsedAt: Date | null; revokedAt: Date | null;
  expiresAt: Date | null; testMode: boolean; dailyQuota: number | null;
}

const KEY_SQL = `SELECT k.hash, k.id, k.project_id AS "projectId", k.mode, k.scopes, k.domains, k.last_used_at AS "lastUsedAt", k.revoked_at AS "revokedAt",
        k.expires_at AS "expiresAt", p.test_mode AS "testMode", p.daily_quota AS "dailyQuota"
 FROM api_keys k JOIN projects p ON p.id = k.project_id WHERE k.hash = ANY(${idArray('$1')})`;

/** The group read of keys by hash a Store owns (one per process). */
export type KeyLookup = GroupWriter<string, KeyRow | undefined>;

/**
 * How long a request that arrives alone waits for others before its key is looked up, when the one
 * before it came less than that long ago (after a quiet spell it is looked up at once): the first
 * stage of every request, so requests gathered here go through the intake's reads and its commit
 * together too. At 1,000 single requests a second, each arriving alone, 4 ms took the API's CPU a
 * request from about 670 to 340–380 µs and Postgres' from about 520 to 240–280 µs, for 2 ms more at
 * the median (docs/performance.md, "Requests that arrive alone, gathered").
 */
export const KEY_GATHER_MS = 4;

/** Keys looked up while another lookup is under way are looked up together, in one query (this runs on every request). */
export function createKeyLookup(db: Db): KeyLookup {
  return createGroupWriter(async (hashes) => {
    const { rows } = await sqlPool(db).query<KeyRow>(prepared('api-keys', KEY_SQL, [[...new Set(hashes)]]));
    const byHash = new Map(rows.map((row) => [row.hash, row]));
    return hashes.map((hash) => byHash.get(hash));
  }, { isolate: () => false, name: 'api-keys', gatherMs: KEY_GATHER_MS });
}

/**
 * The key's context, or null for a key that is malformed (refused without a database lookup),
 * unknown, revoked or expired — one answer for all, so a caller tells an attacker nothing. Records
 * the key's last use at most once a minute.
 */
export async function resolveApiKey(store: Store, key: string, log?: Pick<Log, 'warn'>, now = new Date()): Promise<KeyContext | null> {
  if (!isWellFormedApiKey(key)) return null;
  return resolveApiKeyHash(store, hashApiKey(key), log, now);
}

/**
 * The same for a key known by its hash: what a long-lived session keeps (never the key itself) to look
 * its key up again, so that a revocation or expiry since the login is honoured at once.
 */
export async function resolveApiKeyHash(store: Store, hash: string, log?: Pick<Log, 'warn'>, now = new Date()): Promise<KeyContext | null> {
  const row = await store.keys.write(hash);
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    store.db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch((err: unknown) => log?.warn({ err }, "could not record the key's last use"));
  }
  return {
    projectId: row.projectId,
    apiKeyId: row.id,
    mode: row.mode,
    scopes: row.scopes ?? [],
    domains: row.domains ?? [],
    dailyQuota: row.dailyQuota,
    test: row.mode === 'test' || row.testMode,
  };
}
