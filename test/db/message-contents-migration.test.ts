import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS_DIR } from '@herald/core';
import { throwawayDatabase } from '../support/throwaway-database.ts';

const CONTENTS_MIGRATION = '20261205020000_message_contents';
const LZ4_MIGRATION = '20261201010000_raw_lz4';

/** The migrations before `name`, copied to a directory of their own. */
function migrationsBefore(name: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
  for (const entry of readdirSync(MIGRATIONS_DIR)) if (entry < name || entry === 'migration_lock.toml') cpSync(join(MIGRATIONS_DIR, entry), join(dir, entry), { recursive: true });
  return dir;
}

/** A message as intake stored it before the content moved out: `raw` in its own column (null: purged). */
async function insertMessage(client: pg.Client, id: string, raw: Buffer | null): Promise<void> {
  await client.query(
    `INSERT INTO messages (id, project_id, from_email, message_id_header, raw, raw_size, raw_purged_at) VALUES ($1, 'prj_old', 'a@old.test', $1 || '@old.test', $2, $3, $4)`,
    [id, raw, raw?.length ?? 100, raw ? null : new Date()],
  );
  await client.query(`INSERT INTO recipients (id, message_id, project_id, email, domain) VALUES ('rcpt_' || $1, $1, 'prj_old', 'ann@one.test', 'one.test')`, [id]);
}

/**
 * A database upgraded from a Herald that kept each message's content in messages.raw: the migration
 * moves every content still stored into message_contents, byte for byte, and drops the column.
 */
describe('upgrading to message_contents', () => {
  const db = throwawayDatabase('contents_upgrade');
  // the last step stops before the partitioning, which drops raw_purged_at (test/db/partition-conversion.test.ts)
  const dirs = [migrationsBefore(LZ4_MIGRATION), migrationsBefore(CONTENTS_MIGRATION), migrationsBefore('20261205030000_partition_by_time')];
  afterAll(async () => {
    await db.drop();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('copies every stored content byte for byte (pglz and lz4, inline and toasted, empty), none for purged messages, then drops messages.raw', async () => {
    const text = (n: number) => Buffer.from(`Subject: hello\r\n\r\n${'line of text\r\n'.repeat(n)}`);
    // written before the lz4 migration (pglz), and after it (lz4); small (inline), large and compressible,
    // large and incompressible (stored out of line as is), 8-bit bytes, and an empty content (not null)
    const stored = new Map<string, Buffer | null>([
      ['msg_pglz_small', text(3)],
      ['msg_pglz_large', text(40_000)],
      ['msg_pglz_purged', null],
    ]);
    const later = new Map<string, Buffer | null>([
      ['msg_lz4_small', text(5)],
      ['msg_lz4_large', text(80_000)],
      ['msg_lz4_random', randomBytes(600_000)],
      ['msg_lz4_eight_bit', Buffer.from([0xff, 0x00, 0x0d, 0x0a, 0x80, 0xfe])],
      ['msg_lz4_empty', Buffer.alloc(0)],
      ['msg_lz4_purged', null],
    ]);

    await migrate(db.url, dirs[0]);
    await db.withClient(async (client) => {
      await client.query(`INSERT INTO projects (id, name) VALUES ('prj_old', 'old')`);
      for (const [id, raw] of stored) await insertMessage(client, id, raw);
    });
    await migrate(db.url, dirs[1]);
    await db.withClient(async (client) => {
      for (const [id, raw] of later) await insertMessage(client, id, raw);
    });
    const all = new Map([...stored, ...later]);

    const result = await migrate(db.url, dirs[2]);
    expect(result.applied).toEqual([CONTENTS_MIGRATION]);

    await db.withClient(async (client) => {
      const contents = await client.query<{ id: string; raw: Buffer }>('SELECT id, raw FROM message_contents ORDER BY id');
      const expected = [...all].filter(([, raw]) => raw !== null).sort(([a], [b]) => (a < b ? -1 : 1));
      expect(contents.rows.map((r) => r.id)).toEqual(expected.map(([id]) => id));
      for (const row of contents.rows) expect(row.raw.equals(all.get(row.id) as Buffer), row.id).toBe(true);

      // the messages themselves are all there, with their size and purge mark, and no raw column
      const messages = await client.query<{ id: string; raw_size: number; purged: boolean }>('SELECT id, raw_size, raw_purged_at IS NOT NULL AS purged FROM messages ORDER BY id');
      expect(messages.rows).toHaveLength(all.size);
      for (const m of messages.rows) expect([m.raw_size, m.purged]).toEqual([all.get(m.id)?.length ?? 100, all.get(m.id) === null]);
      const columns = await client.query<{ column_name: string }>(`SELECT column_name FROM information_schema.columns WHERE table_name = 'messages' AND column_name = 'raw'`);
      expect(columns.rows).toEqual([]);

      // new content is compressed with lz4, as messages.raw was
      const compression = await client.query<{ c: string }>(`SELECT attcompression AS c FROM pg_attribute WHERE attrelid = 'message_contents'::regclass AND attname = 'raw'`);
      expect(compression.rows).toEqual([{ c: 'l' }]);

      // a deleted message takes its content with it; content without a message is refused
      await client.query(`DELETE FROM messages WHERE id = 'msg_lz4_small'`);
      expect((await client.query(`SELECT 1 FROM message_contents WHERE id = 'msg_lz4_small'`)).rowCount).toBe(0);
      await expect(client.query(`INSERT INTO message_contents (id, raw) VALUES ('msg_nobody', '\\x00')`)).rejects.toMatchObject({ code: '23503' });
    });
  });
});
