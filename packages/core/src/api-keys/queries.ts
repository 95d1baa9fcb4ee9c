import type { Db, Prisma } from '../db/client.ts';

/**
 * The reads and plain writes of a project's API keys as a resource (listing, revoking), shared by
 * the API and the dashboard. Issuing and rolling keys are use cases in auth/api-keys.ts; looking a
 * key up on every request is auth/resolve-api-key.ts (a grouped hot-path read). Every query here is
 * scoped by project: another project's key id finds nothing.
 */

/** A key's row. Its hash is in it: presenters show neither the key nor its hash. */
export type ApiKeyRow = Prisma.ApiKeyGetPayload<object>;

/** Every key of the project, newest first (revoked and expired ones included). */
export function listApiKeys(db: Db, projectId: string): Promise<ApiKeyRow[]> {
  return db.apiKey.findMany({ where: { projectId }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] });
}

/**
 * Revokes the project's key as of `now`: it is refused from its next request on (resolve-api-key.ts
 * reads revoked_at on every lookup). A key revoked already keeps its first revocation time.
 */
export async function revokeApiKey(db: Db, projectId: string, id: string, now = new Date()): Promise<'revoked' | 'already_revoked' | 'not_found'> {
  const revoked = await db.apiKey.updateMany({ where: { id, projectId, revokedAt: null }, data: { revokedAt: now } });
  if (revoked.count > 0) return 'revoked';
  const exists = await db.apiKey.count({ where: { id, projectId } });
  return exists ? 'already_revoked' : 'not_found';
}
