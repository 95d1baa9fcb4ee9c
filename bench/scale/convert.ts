// The partitioning's conversion at size (`node --import tsx bench/scale/convert.ts`): seeds a database
// of its own (BENCH_SCALE_CONVERT_DATABASE_URL, default herald_scale_convert) as the Herald before
// partitioning left it (the migrations before 20261205030000_partition_by_time), with
// BENCH_SCALE_RECIPIENTS recipients over BENCH_SCALE_DAYS days (bench/scale/seed.ts), then times
// `herald migrate` converting it, and checks that every row is still there. The figures replace the
// "Conversion at size" section of bench/scale/RESULTS.md. The database is dropped at the end.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrate, MIGRATIONS_DIR } from '@herald/core';

const PARTITION_MIGRATION = '20261205030000_partition_by_time';
const URL_ = process.env.BENCH_SCALE_CONVERT_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/herald_scale_convert';
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const SECTION = '## Conversion at size';
const TABLES = ['messages', 'recipients', 'message_contents', 'events', 'webhook_deliveries'];
const log = (text: string) => console.log(`[convert ${new Date().toISOString().slice(11, 19)}] ${text}`);

const before = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
for (const name of readdirSync(MIGRATIONS_DIR)) {
  if (name < PARTITION_MIGRATION || name === 'migration_lock.toml') cpSync(join(MIGRATIONS_DIR, name), join(before, name), { recursive: true });
}
const seeded = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./seed.ts', import.meta.url))], {
  stdio: 'inherit',
  env: { ...process.env, BENCH_SCALE_DATABASE_URL: URL_, BENCH_SCALE_MIGRATIONS_DIR: before },
});
rmSync(before, { recursive: true, force: true });
if (seeded.status !== 0) throw new Error('the seed failed');

const client = new pg.Client({ connectionString: URL_ });
await client.connect();
const counts = async () => {
  const rows: Record<string, number> = {};
  for (const table of TABLES) rows[table] = Number((await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
  return rows;
};
const size = async () => (await client.query<{ s: string }>('SELECT pg_size_pretty(pg_database_size(current_database())) AS s')).rows[0]?.s;
const rowsBefore = await counts();
const sizeBefore = await size();
log(`seeded: ${JSON.stringify(rowsBefore)}, ${sizeBefore}`);
const started = performance.now();
const result = await migrate(URL_);
const seconds = (performance.now() - started) / 1000;
const rowsAfter = await counts();
log(`converted in ${seconds.toFixed(1)} s (${result.applied.join(', ')}): ${JSON.stringify(rowsAfter)}`);
if (JSON.stringify(rowsAfter) !== JSON.stringify(rowsBefore)) throw new Error('rows differ after the conversion');
await client.end();

const admin = new pg.Client({ connectionString: URL_.replace(/\/[^/]*$/, '/postgres') });
await admin.connect();
await admin.query(`DROP DATABASE IF EXISTS "${new URL(URL_).pathname.slice(1)}" WITH (FORCE)`);
await admin.end();

const lines = [
  SECTION,
  '',
  `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · \`node --import tsx bench/scale/convert.ts\` · a database seeded as Herald left it before partitioning (${sizeBefore}), converted by \`herald migrate\` (migration ${PARTITION_MIGRATION}, then the partitions ahead)`,
  '',
  '| Table | Rows before | Rows after |',
  '| --- | --- | --- |',
  ...TABLES.map((t) => `| ${t} | ${(rowsBefore[t] ?? 0).toLocaleString('en')} | ${(rowsAfter[t] ?? 0).toLocaleString('en')} |`),
  '',
  `**The conversion took ${seconds.toFixed(1)} s**, in one transaction holding the five tables: reading each old table once to check its ids, checking every foreign key that names a converted table, indexing the messages' Idempotency-Keys. The seed stores no content (message_contents is empty), so reading that table, and checking its foreign key, would add to this.`,
  '',
];
const previous = readFileSync(RESULTS, 'utf8');
const start = previous.indexOf(SECTION);
const rest = start < 0 ? '' : previous.slice(start + SECTION.length).replace(/^[\s\S]*?(?=\n## |$)/, '');
writeFileSync(RESULTS, `${start < 0 ? `${previous.trimEnd()}\n\n` : previous.slice(0, start)}${lines.join('\n')}${rest}`);
console.log(lines.join('\n'));
