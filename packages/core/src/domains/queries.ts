import type { Db, Prisma } from '../db/client.ts';
import type { MessageStatus } from '../generated/prisma/enums.ts';
import { DKIM_KEY_ORDER } from './refresh-domain.ts';
import { normalizeDomain } from '../intake/address.ts';

/**
 * The reads and plain writes of sending domains that the API, the dashboard and the CLI share. Every
 * one is scoped by project: another project's domain id finds nothing. Adding, verifying and rotating
 * are use cases of their own (add-domain.ts, refresh-domain.ts, rotate-dkim.ts).
 */

/** A domain with its DKIM keys in creation order (retired ones included: presenters leave them out). */
export type DomainWithKeysRow = Prisma.DomainGetPayload<{ include: { dkimKeys: true } }>;

/** Statuses of a message that has not been sent yet and would need its domain's keys to be. */
export const WAITING_STATUSES: readonly MessageStatus[] = ['scheduled', 'queued', 'sending', 'deferred'];

/** The project's domain with its keys, or null. */
export function findDomain(db: Db, projectId: string, id: string): Promise<DomainWithKeysRow | null> {
  return db.domain.findFirst({ where: { id, projectId }, include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } } });
}

/** The project's domains with their keys, by name; only those named in `names` when it is given. */
export function listDomains(db: Db, projectId: string, names?: readonly string[]): Promise<DomainWithKeysRow[]> {
  return db.domain.findMany({
    where: { projectId, ...(names ? { name: { in: [...names] } } : {}) },
    include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } },
    orderBy: { name: 'asc' },
  });
}

/** The settings of a domain a project may change; only those given change. */
export interface DomainSettingsChange {
  unsubscribeDefault?: boolean | undefined;
}

/** Changes the project's domain's settings; null when the project has no such domain. */
export async function updateDomainSettings(db: Db, projectId: string, id: string, change: DomainSettingsChange): Promise<DomainWithKeysRow | null> {
  const updated = await db.domain.updateMany({
    where: { id, projectId },
    data: { ...(change.unsubscribeDefault !== undefined ? { unsubscribeDefault: change.unsubscribeDefault } : {}) },
  });
  return updated.count > 0 ? findDomain(db, projectId, id) : null;
}

/** Which of these names are domains of the project. */
export async function knownDomainNames(db: Db, projectId: string, names: readonly string[]): Promise<string[]> {
  const rows = await db.domain.findMany({ where: { projectId, name: { in: [...names] } }, select: { name: true } });
  return rows.map((row) => row.name);
}

/** How many of the project's messages from this domain are still waiting to be sent (see WAITING_STATUSES). */
export function countWaitingMessages(db: Db, projectId: string, domainId: string): Promise<number> {
  return db.message.count({ where: { projectId, domainId, status: { in: [...WAITING_STATUSES] } } });
}

/**
 * Deletes the project's domain and its keys; its messages keep their rows but lose the domain (so
 * those still waiting fail rather than go unsigned). False when the project has no such domain.
 */
export async function deleteDomain(db: Db, projectId: string, id: string): Promise<boolean> {
  const deleted = await db.domain.deleteMany({ where: { id, projectId } });
  return deleted.count > 0;
}

/** The project's domain named by its name (any case, IDNs in either form) or its id, or null. */
export async function findDomainByNameOrId(db: Db, projectId: string, nameOrId: string): Promise<{ id: string; name: string } | null> {
  const name = normalizeDomain(nameOrId);
  return db.domain.findFirst({
    where: { projectId, OR: [{ id: nameOrId }, ...(name ? [{ name }] : [])] },
    select: { id: true, name: true },
  });
}
