import type { Log } from '../logger.ts';
import { metrics } from '../metrics/registry.ts';
import type { Db } from './client.ts';
import { isDatabaseUnavailable } from './unavailable.ts';

/**
 * Reads that may be slightly stale: the API's lists and statistics (docs/read-replica.md has the
 * table of which routes use it). They go to the read replica (DATABASE_READ_URL) when there is one,
 * to the primary otherwise. Anything that must see its own writes (authentication, idempotency,
 * intake's lookups, a resource by id, every write and the transactions around them) uses the
 * primary's client directly and never comes here.
 *
 * A replica that cannot be reached (or cancels the query because of a conflict with recovery) does
 * not fail the read: it is run again on the primary, and the replica is left alone for
 * `retryAfterMs` before it is tried again, so an outage costs one failed attempt per period, not
 * one per request. Each such read counts in herald_db_replica_fallbacks_total.
 */
export interface StaleReads {
  /**
   * Runs `read` on the replica (the primary's client when there is none or it is down). With
   * `confirmMiss`, an empty answer (null or undefined) is asked again on the primary: a lagging
   * replica may not have the row yet, and "not found" must never be a replica's word alone.
   */
  read<T>(read: (db: Db) => Promise<T>, options?: { confirmMiss?: boolean }): Promise<T>;
  /** Whether reads go to a replica at all (DATABASE_READ_URL set). */
  readonly replicated: boolean;
}

/** How long a replica that failed is left alone before the next read tries it again. */
export const REPLICA_RETRY_AFTER_MS = 5_000;

export function createStaleReads(
  primary: Db,
  replica: Db | undefined,
  options: { log?: Log | undefined; retryAfterMs?: number; now?: () => number } = {},
): StaleReads {
  if (!replica || replica === primary) {
    return { replicated: false, read: (read) => read(primary) };
  }
  const retryAfterMs = options.retryAfterMs ?? REPLICA_RETRY_AFTER_MS;
  const now = options.now ?? Date.now;
  let downUntil = 0;
  return {
    replicated: true,
    async read(read, { confirmMiss = false } = {}) {
      if (now() < downUntil) {
        metrics().replicaFallbacks.inc();
        return read(primary);
      }
      let answer: Awaited<ReturnType<typeof read>>;
      try {
        answer = await read(replica);
      } catch (err) {
        if (!isDatabaseUnavailable(err) && !isRecoveryConflict(err)) throw err;
        if (now() >= downUntil) options.log?.warn({ err: (err as Error).message, retryAfterMs }, 'read replica unavailable: its reads go to the primary');
        downUntil = now() + retryAfterMs;
        metrics().replicaFallbacks.inc();
        return read(primary);
      }
      return confirmMiss && (answer === null || answer === undefined) ? read(primary) : answer;
    },
  };
}

/** A standby cancelling a query because replay must remove rows it reads (SQLSTATE 40001, "conflict with recovery"). */
function isRecoveryConflict(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== 'object' || depth > 4) return false;
  const e = err as { message?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
  if (typeof e.message === 'string' && e.message.includes('conflict with recovery')) return true;
  return isRecoveryConflict(e.cause, depth + 1) || isRecoveryConflict(e.meta?.driverAdapterError, depth + 1);
}
