import { createHash, timingSafeEqual } from 'node:crypto';
import { getProject, resolveApiKeyHash, SCOPES, type Db, type KeyContext, type Store } from '@herald/core';
import type { SessionPrincipal } from './session-store.ts';

export const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The admin's id on rate limits while acting in a project through the dashboard. */
export const ADMIN_PRINCIPAL_ID = 'admin';

/**
 * What a session may do now: a key session is looked up again on every request (a revoked or
 * expired key ends it at once); an admin session holds only while HERALD_ADMIN_TOKEN is the token it
 * signed in with, and acts with every scope in the project it chose. Null: the session is over.
 */
export async function resolvePrincipal(
  deps: { db: Db; store: Store; adminToken: string | undefined },
  principal: SessionPrincipal,
): Promise<KeyContext | 'choose-project' | null> {
  if (principal.kind === 'key') return resolveApiKeyHash(deps.store, principal.keyHash);
  if (!deps.adminToken) return null;
  const expected = Buffer.from(sha256(deps.adminToken), 'hex');
  const given = Buffer.from(principal.tokenHash, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (!principal.projectId) return 'choose-project';
  const project = await getProject(deps.db, principal.projectId);
  if (!project) return 'choose-project';
  return {
    projectId: project.id,
    apiKeyId: ADMIN_PRINCIPAL_ID,
    mode: 'live',
    scopes: [...SCOPES],
    domains: [],
    dailyQuota: project.dailyQuota,
    test: project.testMode,
  };
}
