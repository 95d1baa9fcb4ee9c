import { isDatabaseUnavailable, type Log } from '@herald/core';

/** How long a delivery that met an unreachable Postgres waits before it is tried again. */
export const DATABASE_DOWN_RETRY_MS = 5_000;

/**
 * When a delivery (or a batch's load) failed because Postgres could not be reached: logs it and
 * answers when to try again, a few seconds from now; for any other error, null. The one place that
 * decides to postpone work while Postgres is down, whether the job is put back (single jobs, batch
 * jobs) or a delivery of a batch comes back as a job of its own.
 */
export function retryWhenDatabaseDown(err: unknown, log: Log, context: Record<string, unknown>): Date | null {
  if (!isDatabaseUnavailable(err)) return null;
  log.warn({ ...context, err: (err as Error).message }, 'Postgres unavailable; delivery postponed');
  return new Date(Date.now() + DATABASE_DOWN_RETRY_MS);
}
