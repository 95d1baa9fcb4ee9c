import { HeraldError, type Db, type Prisma } from '@herald/core';

/**
 * Keys in the order they were created. Keys created together (a domain's RSA and Ed25519 keys, the
 * keys of one rotation) share created_at, and Postgres returns ties in any order (an updated row moves),
 * so the id (a monotonic ULID) breaks them: the keys and records read the same way every time.
 */
export const DKIM_KEY_ORDER: Prisma.DkimKeyOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { id: 'asc' }];

/** The project's domain with its keys, or 404 (also for another project's id). */
export async function findDomain(db: Db, projectId: string, id: string) {
  const domain = await db.domain.findFirst({ where: { id, projectId }, include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } } });
  if (!domain) throw new HeraldError('not_found', `no domain ${id}`);
  return domain;
}
