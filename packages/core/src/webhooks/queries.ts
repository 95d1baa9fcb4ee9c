import { Prisma } from '../generated/prisma/client.ts';
import type { Db } from '../db/client.ts';

/**
 * An endpoint that receives events: enabled by its owner and not disabled by Herald (after failing for
 * days, or a 410). The one definition of it, as SQL for the table aliased `alias`, used by intake's
 * lookups, the outcome writer, the webhook dispatcher and activeEndpoints below.
 */
export const ACTIVE_ENDPOINT_SQL = (alias: string): string => `${alias}.enabled AND ${alias}.disabled_at IS NULL`;

type Client = Pick<Db, '$queryRaw'> | Prisma.TransactionClient;

/** The project's endpoints that may receive events, with the event types each subscribes to. */
export function activeEndpoints(db: Client, projectId: string): Promise<{ id: string; events: string[] }[]> {
  return db.$queryRaw<{ id: string; events: string[] }[]>`
    SELECT w.id, coalesce(w.events, '{}') AS events FROM webhook_endpoints w
    WHERE w.project_id = ${projectId} AND ${activeEndpointFilter('w')} ORDER BY w.id`;
}

/** ACTIVE_ENDPOINT_SQL as a fragment for Prisma's tagged-template queries. */
export const activeEndpointFilter = (alias: string): Prisma.Sql => Prisma.raw(ACTIVE_ENDPOINT_SQL(alias));
