import type { ApiKeyMode } from '../generated/prisma/enums.ts';
import { hashApiKey, isWellFormedApiKey } from '../crypto/api-key.ts';
import type { Db } from '../db/client.ts';
import type { Log } from '../logger.ts';

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

/**
 * The key's context, or null for a key that is malformed (refused without a database lookup),
 * unknown, revoked or expired — one answer for all, so a caller tells an attacker nothing. Records
 * the key's last use at most once a minute.
 */
export async function resolveApiKey(db: Db, key: string, log?: Pick<Log, 'warn'>, now = new Date()): Promise<KeyContext | null> {
  if (!isWellFormedApiKey(key)) return null;
  const row = await db.apiKey.findUnique({
    where: { hash: hashApiKey(key) },
    select: {
      id: true,
      projectId: true,
      mode: true,
      scopes: true,
      domains: true,
      lastUsedAt: true,
      revokedAt: true,
      expiresAt: true,
      project: { select: { testMode: true, dailyQuota: true } },
    },
  });
  if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
    db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch((err: unknown) => log?.warn({ err }, "could not record the key's last use"));
  }
  return {
    projectId: row.projectId,
    apiKeyId: row.id,
    mode: row.mode,
    scopes: row.scopes,
    domains: row.domains,
    dailyQuota: row.project.dailyQuota,
    test: row.mode === 'test' || row.project.testMode,
  };
}
