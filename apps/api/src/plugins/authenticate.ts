import type { FastifyRequest } from 'fastify';
import { HeraldError, hashApiKey, isWellFormedApiKey, type ApiKeyMode, type Db } from '@herald/core';

export interface AuthContext {
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

declare module 'fastify' {
  interface FastifyRequest {
    auth: AuthContext;
  }
}

/**
 * Resolves `Authorization: Bearer hk_…` to a project. A malformed key (bad shape or checksum) is
 * refused before any database lookup; unknown, revoked and expired keys get the same 401 answer so
 * that the response tells an attacker nothing.
 */
export function authenticate(db: Db) {
  return async function authenticateRequest(request: FastifyRequest): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) {
      throw new HeraldError('unauthorized', 'Authorization: Bearer <api key> is required');
    }
    const key = match[1] as string;
    if (!isWellFormedApiKey(key)) {
      throw new HeraldError('unauthorized', 'the API key is not valid');
    }
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
    const now = new Date();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now)) {
      throw new HeraldError('unauthorized', 'the API key is not valid');
    }
    request.auth = {
      projectId: row.projectId,
      apiKeyId: row.id,
      mode: row.mode,
      scopes: row.scopes,
      domains: row.domains,
      dailyQuota: row.project.dailyQuota,
      test: row.mode === 'test' || row.project.testMode,
    };
    // last use, at most once a minute per key: a write per request would be wasteful
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > 60_000) {
      db.apiKey.update({ where: { id: row.id }, data: { lastUsedAt: now } }).catch((err: unknown) => request.log.warn({ err }, 'could not record the key\'s last use'));
    }
  };
}
