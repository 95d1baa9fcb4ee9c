import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { ensurePartitions } from '../partitions/ensure-partitions.ts';
import { rebuildStats, STATS_MIGRATION } from '../stats/rebuild-stats.ts';

/**
 * Herald's own migrator. It applies prisma/migrations/<timestamp>_<name>/migration.sql in order and
 * records each one in `_prisma_migrations` exactly as Prisma Migrate does (same table, a SHA-256
 * checksum of the script, started/finished timestamps), so `prisma migrate deploy` and `prisma migrate
 * status` keep working wherever Prisma's schema engine can run. Each script runs in one transaction;
 * an advisory lock (the same key Prisma uses) keeps concurrent migrators from racing.
 */
export const MIGRATIONS_DIR = new URL('../../../../prisma/migrations/', import.meta.url).pathname;
const PRISMA_ADVISORY_LOCK = 72707369;

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface MigrationFile {
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrateResult {
  createdDatabase: boolean;
  applied: string[];
  alreadyApplied: string[];
}

export function readMigrations(dir: string = MIGRATIONS_DIR): MigrationFile[] {
  return readdirSync(dir)
    .filter((name) => statSync(join(dir, name)).isDirectory())
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/** Creates the database named in the URL when it does not exist (connecting to `postgres` to do so). */
export async function ensureDatabase(databaseUrl: string): Promise<boolean> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (found.rowCount) return false;
    try {
      await client.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    } catch (err) {
      // another migrator created it between our check and our CREATE: Postgres answers 42P04
      // (duplicate_database), or 23505 on pg_database_datname_index when both CREATEs overlap
      const code = (err as { code?: string }).code;
      if (code !== '42P04' && code !== '23505') throw err;
      return false;
    }
    return true;
  } finally {
    await client.end();
  }
}

export async function migrate(databaseUrl: string, dir: string = MIGRATIONS_DIR): Promise<MigrateResult> {
  const createdDatabase = await ensureDatabase(databaseUrl);
  const migrations = readMigrations(dir);
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const result: MigrateResult = { createdDatabase, applied: [], alreadyApplied: [] };
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK]);
    await client.query(CREATE_MIGRATIONS_TABLE);
    const rows = await client.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
      'SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL',
    );
    const done = new Map(rows.rows.map((row) => [row.migration_name, row]));
    for (const migration of migrations) {
      const row = done.get(migration.name);
      if (row?.finished_at) {
        if (row.checksum !== migration.checksum) {
          throw new Error(
            `migration ${migration.name} was modified after it was applied; add a new migration instead`,
          );
        }
        result.alreadyApplied.push(migration.name);
        continue;
      }
      if (row) {
        throw new Error(`migration ${migration.name} is recorded as started but not finished; resolve it by hand`);
      }
      await applyOne(client, migration);
      result.applied.push(migration.name);
    }
    // a data step: the statistics of an upgraded database come from the events it already has
    if (result.applied.includes(STATS_MIGRATION)) await rebuildStats(client);
    // the partitions of the coming intervals, so that a new database is ready before a worker's maintenance runs
    await ensurePartitions(client, new Date());
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK]).catch(() => undefined);
    await client.end();
  }
  return result;
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const id = randomUUID();
  await client.query(
    'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
    [id, migration.checksum, migration.name],
  );
  try {
    await client.query('BEGIN');
    await client.query(migration.sql);
    await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [id]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    // the script ran in one transaction, so nothing of it remains: record it as rolled back
    await client.query('UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1', [
      id,
      String((err as Error).message),
    ]);
    throw new Error(`migration ${migration.name} failed: ${(err as Error).message}`, { cause: err });
  }
}

/** Names of migrations in the folder that the database has not finished applying. */
export async function pendingMigrations(databaseUrl: string, dir: string = MIGRATIONS_DIR): Promise<string[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const table = await client.query(`SELECT to_regclass('"_prisma_migrations"') AS t`);
    const applied = new Set<string>();
    if ((table.rows[0] as { t: string | null }).t) {
      const rows = await client.query<{ migration_name: string }>(
        'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      for (const row of rows.rows) applied.add(row.migration_name);
    }
    return readMigrations(dir)
      .map((m) => m.name)
      .filter((name) => !applied.has(name));
  } finally {
    await client.end();
  }
}
