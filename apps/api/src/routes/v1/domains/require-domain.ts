import { assertKeyMayUseDomains, findDomain, HeraldError, type Db, type DomainWithKeysRow } from '@herald/core';
import type { AuthContext } from '../../../plugins/authenticate.ts';

/** The project's domain with its keys, or 404 (also for another project's id); 403 outside a limited key's domains. */
export async function requireDomain(db: Db, auth: AuthContext, id: string): Promise<DomainWithKeysRow> {
  const domain = await findDomain(db, auth.projectId, id);
  if (!domain) throw new HeraldError('not_found', `no domain ${id}`);
  assertKeyMayUseDomains(auth, [domain.name], 'id');
  return domain;
}
