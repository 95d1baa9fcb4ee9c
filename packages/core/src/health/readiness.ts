import type { RedisClient } from '../queue/redis-connection.ts';
import { sqlPool, type Db } from '../db/client.ts';
import { MIGRATIONS_DIR, readMigrations } from '../db/migrate.ts';
import { withTimeout } from '../with-timeout.ts';

/** A readiness check: resolves when the dependency is usable, rejects with the reason otherwise. */
export type ReadinessCheck = () => Promise<void>;

export interface ReadinessReport {
  status: 'ok' | 'fail';
  checks: Record<string, string>;
}

/** Runs every check (each bounded by `timeoutMs`) and reports each one's result. */
export async function runReadinessChecks(checks: Record<string, ReadinessCheck>, timeoutMs = 2_000): Promise<ReadinessReport> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check(), timeoutMs, name);
        return [name, 'ok'] as const;
      } catch (err) {
        return [name, (err as Error).message || 'failed'] as const;
      }
    }),
  );
  return { status: results.every(([, result]) => result === 'ok') ? 'ok' : 'fail', checks: Object.fromEntries(results) };
}

/**
 * The checks every long-running process answers /readyz with: Postgres answers, Redis answers, and
 * every migration shipped with this build has been applied (a process newer than its schema is not
 * ready). Once the migrations are seen applied, that is remembered: they are never undone.
 */
export function standardReadinessChecks(db: Db, redis: Pick<RedisClient, 'ping'>, migrationsDir: string = MIGRATIONS_DIR): Record<string, ReadinessCheck> {
  const expected = readMigrations(migrationsDir).map((m) => m.name);
  let applied = false;
  const sql = sqlPool(db);
  return {
    postgres: async () => void (await sql.query('SELECT 1')),
    redis: async () => void (await redis.ping()),
    migrations: async () => {
      if (applied) return;
      const { rows } = await sql.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      const done = new Set(rows.map((r) => r.migration_name));
      const pending = expected.filter((name) => !done.has(name));
      if (pending.length > 0) throw new Error(`${pending.length} migration(s) pending: run \`herald migrate\``);
      applied = true;
    },
  };
}

/**
 * The read replica (DATABASE_READ_URL) answers. Reported as a dependency in the metrics, never part
 * of /readyz: while the replica is down its reads go to the primary (db/stale-reads.ts).
 */
export function replicaCheck(readDb: Db): ReadinessCheck {
  const sql = sqlPool(readDb);
  return async () => void (await sql.query('SELECT 1'));
}
