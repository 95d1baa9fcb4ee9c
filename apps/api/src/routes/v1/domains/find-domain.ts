import { DKIM_KEY_ORDER, HeraldError, type Db } from '@herald/core';
import type { AuthContext } from '../../../plugins/authenticate.ts';
import { assertKeyMayUseDomains } from '@herald/core';

export { DKIM_KEY_ORDER } from '@herald/core';

/** The project's domain with its keys, or 404 (also for another project's id); 403 outside a limited key's domains. */
export async function findDomain(db: Db, auth: AuthContext, id: string) {
  const domain = await db.domain.findFirst({ where: { id, projectId: auth.projectId }, include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } } });
  if (!domain) throw new HeraldError('not_found', `no domain ${id}`);
  assertKeyMayUseDomains(auth, [domain.name], 'id');
  return domain;
}
