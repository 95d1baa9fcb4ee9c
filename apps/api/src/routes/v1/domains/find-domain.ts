import { HeraldError, type Db } from '@herald/core';

/** The project's domain with its keys, or 404 (also for another project's id). */
export async function findDomain(db: Db, projectId: string, id: string) {
  const domain = await db.domain.findFirst({ where: { id, projectId }, include: { dkimKeys: { orderBy: { createdAt: 'asc' } } } });
  if (!domain) throw new HeraldError('not_found', `no domain ${id}`);
  return domain;
}
