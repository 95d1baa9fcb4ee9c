import type { Db, Prisma } from '../db/client.ts';
import type { SuppressionReason } from '../generated/prisma/enums.ts';
import { newId } from '../ids.ts';
import { afterPosition, keysetPage, newestFirst, rowsToFetch, type KeysetPage, type PageRequest } from '../pagination/keyset.ts';

/**
 * A project's suppression list as a resource (list, add, remove), shared by the API and the
 * dashboard. Intake's check of recipients against it is a grouped read of its own
 * (intake/intake-lookups.ts), and hard bounces add to it through the outcome writer.
 */

export type SuppressionRow = Prisma.SuppressionGetPayload<object>;

/** The project's suppressed addresses, newest first, one page at a time; only those of `reason` when given. */
export async function listSuppressions(
  db: Db,
  projectId: string,
  filters: { reason?: SuppressionReason | undefined; /** Addresses containing this text, without case. */ email?: string | undefined },
  page: PageRequest,
): Promise<KeysetPage<SuppressionRow>> {
  const where: Prisma.SuppressionWhereInput = { projectId };
  if (filters.reason) where.reason = filters.reason;
  if (filters.email) where.email = { contains: filters.email, mode: 'insensitive' };
  if (page.after) where.AND = [afterPosition(page.after)];
  const rows = await db.suppression.findMany({ where, orderBy: newestFirst(), take: rowsToFetch(page) });
  return keysetPage(rows, page.limit);
}

/**
 * Suppresses an address for the project. An address suppressed already keeps its entry unchanged
 * (reason, note and date): `created` says which happened, `suppression` is the entry either way.
 */
export async function addSuppression(
  db: Db,
  projectId: string,
  entry: { email: string; reason: SuppressionReason; note: string | null },
): Promise<{ created: boolean; suppression: SuppressionRow }> {
  const created = await db.suppression.createManyAndReturn({
    data: [{ id: newId('suppression'), projectId, email: entry.email, reason: entry.reason, note: entry.note }],
    skipDuplicates: true,
  });
  if (created[0]) return { created: true, suppression: created[0] };
  const existing = await db.suppression.findUniqueOrThrow({ where: { projectId_email: { projectId, email: entry.email } } });
  return { created: false, suppression: existing };
}

/** Removes the address from the project's list; false when it was not on it. */
export async function removeSuppression(db: Db, projectId: string, email: string): Promise<boolean> {
  const removed = await db.suppression.deleteMany({ where: { projectId, email } });
  return removed.count > 0;
}
