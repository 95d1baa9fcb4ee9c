import { HeraldError, type Db, type Prisma } from '@herald/core';
import type { AuthContext } from '../../../plugins/authenticate.ts';
import { assertKeyMayUseDomains } from '../../../plugins/key-domains.ts';

/**
 * Keys in the order they were created. Keys created together (a domain's RSA and Ed25519 keys, the
 * keys of one rotation) share created_at, and Postgres returns ties in any order (an updated row moves),
 * so the id (a monotonic ULID) breaks them: the keys and records read the same way every time.
 */
export const DKIM_KEY_ORDER: Prisma.DkimKeyOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { id: 'asc' }];

/** The project's domain with its keys, or 404 (also for another project's id); 403 outside a limited key's domains. */
export async function findDomain(db: Db, auth: AuthContext, id: string) {
  const domain = await db.domain.findFirst({ where: { id, projectId: auth.projectId }, include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } } });
  if (!domain) throw new HeraldError('not_found', `no domain ${id}`);
  assertKeyMayUseDomains(auth, [domain.name], 'id');
  return domain;
}
