import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR, STATS_MIGRATION } from '@herald/core';
import { throwawayDatabase } from '../support/throwaway-database.ts';

/**
 * A database upgraded from a Herald without statistics: its events predate the rollups, and applying
 * the migration that creates them rebuilds them from those events.
 */
describe('upgrading to the statistics rollups', () => {
  const db = throwawayDatabase('stats_backfill');
  const before = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
  afterAll(async () => {
    await db.drop();
    rmSync(before, { recursive: true, force: true });
  });

  it('fills the rollups from the events already stored when the stats migration is applied', async () => {
    for (const name of readdirSync(MIGRATIONS_DIR)) {
      if (name < STATS_MIGRATION || name === 'migration_lock.toml') cpSync(join(MIGRATIONS_DIR, name), join(before, name), { recursive: true });
    }
    await migrate(db.url, before);
    await db.withClient(async (client) => {
      await client.query(`INSERT INTO projects (id, name) VALUES ('prj_old', 'old')`);
      await client.query(`INSERT INTO messages (id, project_id, from_email, message_id_header, raw_size, tags, created_at)
        VALUES ('msg_old', 'prj_old', 'a@old.test', 'x@old.test', 10, '{news}', '2026-10-01T10:00:00Z')`);
      await client.query(`INSERT INTO events (id, project_id, message_id, type, email, created_at, dedupe_key) VALUES
        ('evt_1', 'prj_old', 'msg_old', 'queued', 'ann@gmail.test', '2026-10-01T10:00:00Z', NULL),
        ('evt_2', 'prj_old', 'msg_old', 'delivered', 'ann@gmail.test', '2026-10-01T10:00:05Z', 'delivered:r1')`);
    });
    const result = await migrate(db.url);
    expect(result.applied).toContain(STATS_MIGRATION);
    const rows = await db.withClient(async (client) =>
      (await client.query<{ tag: string; accepted: number; delivered: number }>(`SELECT tag, sum(accepted)::int AS accepted, sum(delivered)::int AS delivered FROM stats_hourly WHERE project_id = 'prj_old' GROUP BY tag ORDER BY tag`)).rows,
    );
    expect(rows).toEqual([
      { tag: '', accepted: 1, delivered: 1 },
      { tag: 'news', accepted: 1, delivered: 1 },
    ]);
  });
});
