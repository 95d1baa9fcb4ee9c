import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensureDatabase, migrate, pendingMigrations } from '@herald/core/db/migrate';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database.ts';

const MIGRATIONS = new URL('../../prisma/migrations/', import.meta.url).pathname;
/** The project's migrations, read here independently of the migrator. */
const NAMES = readdirSync(MIGRATIONS).filter((name) => statSync(join(MIGRATIONS, name)).isDirectory()).sort();
const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

interface MigrationRow {
  id: string;
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
  logs: string | null;
}

describe('the migrator', () => {
  const cleanups: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  function freshDatabase(): ThrowawayDatabase {
    const db = throwawayDatabase('migrate');
    cleanups.push(() => db.drop());
    return db;
  }

  /** A copy of prisma/migrations in a temporary folder, to add or change migrations in. */
  function migrationsCopy(): string {
    const dir = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
    cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
    cpSync(MIGRATIONS, dir, { recursive: true });
    return dir;
  }

  function addMigration(dir: string, name: string, sql: string): void {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, 'migration.sql'), sql);
  }

  const rows = (db: ThrowawayDatabase): Promise<MigrationRow[]> =>
    db.withClient(async (client) => (await client.query<MigrationRow>('SELECT * FROM "_prisma_migrations" ORDER BY migration_name, started_at')).rows);

  const tableExists = (db: ThrowawayDatabase, table: string): Promise<boolean> =>
    db.withClient(async (client) => (await client.query<{ t: string | null }>('SELECT to_regclass($1) AS t', [table])).rows[0]?.t != null);

  it('creates the database when it does not exist', async () => {
    const db = freshDatabase();
    expect(await db.exists()).toBe(false);

    const result = await migrate(db.url);

    expect(result.createdDatabase).toBe(true);
    expect(await db.exists()).toBe(true);
    expect(await ensureDatabase(db.url)).toBe(false);
  });

  it('applies every migration once and records it as Prisma Migrate does', async () => {
    expect(NAMES.length).toBeGreaterThan(0);
    const db = freshDatabase();

    const result = await migrate(db.url);

    expect(result.applied).toEqual(NAMES);
    expect(result.alreadyApplied).toEqual([]);
    const recorded = await rows(db);
    expect(recorded.map((row) => row.migration_name)).toEqual(NAMES);
    for (const row of recorded) {
      expect(row.checksum).toBe(sha256(join(MIGRATIONS, row.migration_name, 'migration.sql')));
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
      expect(row.logs).toBeNull();
    }
    expect(await tableExists(db, 'messages')).toBe(true);
  });

  it('applies nothing when run again on a migrated database', async () => {
    const db = freshDatabase();
    await migrate(db.url);
    const before = await rows(db);

    const second = await migrate(db.url);

    expect(second).toEqual({ createdDatabase: false, applied: [], alreadyApplied: NAMES });
    expect(await rows(db)).toEqual(before);
  });

  it('refuses to run when an applied migration was modified, and applies nothing new', async () => {
    const db = freshDatabase();
    const dir = migrationsCopy();
    await migrate(db.url, dir);
    const first = NAMES[0] ?? '';
    writeFileSync(join(dir, first, 'migration.sql'), `${readFileSync(join(dir, first, 'migration.sql'), 'utf8')}\n-- edited\n`);
    addMigration(dir, '29990101000000_add_probe', 'CREATE TABLE "probe" ("id" TEXT PRIMARY KEY);');

    await expect(migrate(db.url, dir)).rejects.toThrow(`migration ${first} was modified after it was applied; add a new migration instead`);

    expect(await tableExists(db, 'probe')).toBe(false);
    expect((await rows(db)).map((row) => row.migration_name)).toEqual(NAMES);
  });

  it('rolls a failing migration back completely, records it as rolled back and names it in the error', async () => {
    const db = freshDatabase();
    const dir = migrationsCopy();
    await migrate(db.url, dir);
    addMigration(dir, '29990101000000_broken', [
      'CREATE TABLE "probe" ("id" TEXT PRIMARY KEY);',
      'ALTER TABLE "messages" ADD COLUMN "probe" TEXT;',
      'SELECT * FROM "no_such_table";',
    ].join('\n'));

    await expect(migrate(db.url, dir)).rejects.toThrow(/^migration 29990101000000_broken failed: .*no_such_table/);

    expect(await tableExists(db, 'probe')).toBe(false);
    const probeColumn = await db.withClient((client) =>
      client.query("SELECT 1 FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'probe'"));
    expect(probeColumn.rowCount).toBe(0);
    const broken = (await rows(db)).filter((row) => row.migration_name === '29990101000000_broken');
    expect(broken).toHaveLength(1);
    expect(broken[0]).toMatchObject({ finished_at: null, applied_steps_count: 0 });
    expect(broken[0]?.rolled_back_at).toBeInstanceOf(Date);
    expect(broken[0]?.logs).toContain('no_such_table');
    expect(await pendingMigrations(db.url, dir)).toEqual(['29990101000000_broken']);
  });

  it('lets two migrators run at once on a fresh database, applying each migration once', async () => {
    const db = freshDatabase();

    // allSettled: both must finish before the database is dropped, even when one fails
    const settled = await Promise.allSettled([migrate(db.url), migrate(db.url)]);

    const failures = settled.flatMap((s) => (s.status === 'rejected' ? [String(s.reason)] : []));
    expect(failures).toEqual([]);
    const results = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
    expect(results.filter((result) => result.createdDatabase)).toHaveLength(1);
    expect(results.flatMap((result) => result.applied).sort()).toEqual(NAMES);
    expect(results.flatMap((result) => result.alreadyApplied).sort()).toEqual(NAMES);
    const recorded = await rows(db);
    expect(recorded.map((row) => row.migration_name)).toEqual(NAMES);
    expect(recorded.every((row) => row.finished_at !== null && row.rolled_back_at === null)).toBe(true);
  });

  it('lists exactly the migrations the database has not applied yet', async () => {
    const db = freshDatabase();
    const dir = migrationsCopy();
    await ensureDatabase(db.url);
    expect(await pendingMigrations(db.url, dir)).toEqual(NAMES);

    await migrate(db.url, dir);
    expect(await pendingMigrations(db.url, dir)).toEqual([]);

    addMigration(dir, '29990101000000_add_probe', 'CREATE TABLE "probe" ("id" TEXT PRIMARY KEY);');
    addMigration(dir, '29990102000000_add_probe_name', 'ALTER TABLE "probe" ADD COLUMN "name" TEXT;');
    expect(await pendingMigrations(db.url, dir)).toEqual(['29990101000000_add_probe', '29990102000000_add_probe_name']);

    await migrate(db.url, dir);
    expect(await pendingMigrations(db.url, dir)).toEqual([]);
    expect(await tableExists(db, 'probe')).toBe(true);
  });
});
