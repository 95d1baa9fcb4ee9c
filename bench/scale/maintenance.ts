// The worker's maintenance at size, on the database `npm run bench:seed` filled (run by `npm run
// bench:scale` after the reads of measure.ts; alone: `node --import tsx bench/scale/maintenance.ts`):
//
// - the sweeper's scan (sweepOrphans, as the worker calls it every HERALD_SWEEP_INTERVAL, grace 2 min):
//   p50/p95 of BENCH_SCALE_SWEEPS runs (default 20) over the seed's due recipients (0.1% of the last
//   three days'), against the local Redis (REDIS_URL) under a queue prefix of this run's own, deleted
//   at the end. The first run finds no job for any of them and enqueues them all; it is reported apart.
// - the retention job (applyRetention), only with BENCH_SCALE_RETENTION=1, because it drops seeded
//   rows (re-seed afterwards: drop the database): one run with HERALD_RETENTION_EVENTS=60d on the
//   90-day seed (a month of events, in weekly partitions) and HERALD_RETENTION_RAW=30d over the content
//   of BENCH_SCALE_RAW_DAYS days of messages (default 30) just past it, given content first (the seed
//   stores none; each row goes to its day's partition).
//
// EXPLAIN (ANALYZE, BUFFERS) of each statement goes to stdout. The
// figures replace the "Maintenance at size" section of bench/scale/RESULTS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createDeliveryQueues, createLogger, createRedis, idBound, listPartitions, type DeliveryJob } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { FIRST_PAGE, sweepOrphans, sweepPage } from '../../apps/worker/src/recovery/sweep.ts';
import { applyRetention } from '../../apps/worker/src/maintenance/retention.ts';
import { SCALE_DATABASE_URL, SCALE_PROJECT } from './seed.ts';

const SWEEPS = Number(process.env.BENCH_SCALE_SWEEPS ?? 20);
const RETENTION = process.env.BENCH_SCALE_RETENTION === '1';
const RAW_DAYS = Number(process.env.BENCH_SCALE_RAW_DAYS ?? 30);
const RESULTS = fileURLToPath(new URL('./RESULTS.md', import.meta.url));
const SECTION = '## Maintenance at size';
const DAY = 86_400_000;
const SWEEP_GRACE_MS = 2 * 60_000;
const RAW_RETENTION_MS = 30 * DAY;
const log = (text: string) => console.log(`[maintenance ${new Date().toISOString().slice(11, 19)}] ${text}`);

const db = createDb(SCALE_DATABASE_URL, { poolSize: 4 });
const client = new pg.Client({ connectionString: SCALE_DATABASE_URL });
await client.connect();
const project = await db.project.findFirst({ where: { name: SCALE_PROJECT }, select: { id: true } });
if (!project) throw new Error(`no project ${SCALE_PROJECT} in ${SCALE_DATABASE_URL}: run npm run bench:seed first`);
const quiet = createLogger('bench-scale', 'silent');
const lines: string[] = [];

/** Postgres's plan for `sql`, executed; inside a transaction rolled back when `rollback`. */
async function explain(title: string, sql: string, params: unknown[], rollback = false): Promise<string[]> {
  if (rollback) await client.query('BEGIN');
  try {
    const { rows } = await client.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
    const plan = rows.map((row) => row['QUERY PLAN']);
    console.log(`\n${title}\n${plan.join('\n')}\n`);
    return plan;
  } finally {
    if (rollback) await client.query('ROLLBACK');
  }
}
/** The plan's scans, in one line: which index (or sequential scan) on which table. */
const scans = (plan: string[]) =>
  [
    ...new Set(
      plan
        .map((line) => /(Parallel Seq Scan|Seq Scan|Index Only Scan(?: Backward)?|Index Scan(?: Backward)?|Bitmap Index Scan) (?:using (\S+) )?on (\S+)/.exec(line))
        .filter((m) => m !== null)
        .map((m) => (m[2] ? `${m[1]} using ${m[2]}` : `${m[1]} on ${m[3]}`)),
    ),
  ].join('; ') || 'no scan';
const ms = (value: number) => `${Math.round(value * 10) / 10} ms`;

// --- the sweeper's scan ---
const redis = createRedis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
const prefix = `bench-scale-sweep-${process.pid}`;
const queues = createDeliveryQueues(redis, prefix);
const due = await client.query<{ queued: string; deferred: string; due: string }>(
  `SELECT count(*) FILTER (WHERE status = 'queued') AS queued, count(*) FILTER (WHERE status = 'deferred') AS deferred,
          count(*) FILTER (WHERE coalesce(next_attempt_at, created_at) < now() - interval '2 minutes') AS due
   FROM recipients WHERE status IN ('queued', 'deferred')`,
);
const pending = due.rows[0] as { queued: string; deferred: string; due: string };
log(`recipients queued ${pending.queued}, deferred ${pending.deferred}, due ${pending.due}`);
const firstPage = sweepPage(FIRST_PAGE, new Date(), SWEEP_GRACE_MS, 500);
const sweepPlan = await explain('sweeper scan, first page', firstPage.text, firstPage.values);
const sweep = () => sweepOrphans({ db, queues, clock: () => new Date(), log: quiet }, { graceMs: SWEEP_GRACE_MS });
let started = performance.now();
const first = await sweep();
const firstMs = performance.now() - started;
log(`first sweep: ${first.checked} pairs checked, ${first.enqueued.length} enqueued, ${ms(firstMs)}`);
const times: number[] = [];
let checked = 0;
let enqueued = 0;
for (let run = 0; run < SWEEPS; run++) {
  started = performance.now();
  const result = await sweep();
  times.push(performance.now() - started);
  checked = result.checked;
  enqueued += result.enqueued.length;
}
times.sort((a, b) => a - b);
const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
log(`sweeps: p50 ${ms(at(0.5))}, p95 ${ms(at(0.95))} (${checked} pairs checked each, ${enqueued} enqueued in all)`);
// the scan alone, without Redis: the same query, page by page, as the sweep reads it
const scanTimes: number[] = [];
for (let run = 0; run < SWEEPS; run++) {
  started = performance.now();
  const now = new Date();
  let after = FIRST_PAGE;
  for (;;) {
    const { rows } = await client.query<DeliveryJob>(sweepPage(after, now, SWEEP_GRACE_MS, 500));
    if (rows.length < 500) break;
    after = rows[rows.length - 1] as DeliveryJob;
  }
  scanTimes.push(performance.now() - started);
}
scanTimes.sort((a, b) => a - b);
const scanAt = (q: number) => scanTimes[Math.min(scanTimes.length - 1, Math.floor(q * scanTimes.length))] as number;
log(`scan alone (Postgres): p50 ${ms(scanAt(0.5))}, p95 ${ms(scanAt(0.95))}`);
await queues.close();
// the bench runs against one Redis (REDIS_URL), where SCAN sees every key
if (!(redis instanceof Redis)) throw new Error('bench/scale/maintenance.ts cleans up with SCAN: point REDIS_URL at one Redis, not a cluster');
for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }) as AsyncIterable<string[]>) if (keys.length > 0) await redis.del(...keys);
redis.disconnect();

lines.push(
  `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · \`node --import tsx bench/scale/maintenance.ts\` (part of \`npm run bench:scale\`) · a 2-core machine shared with other work: noisier than a quiet run`,
  '',
  '| Job | p50 | p95 | Work | Plan |',
  '| --- | --- | --- | --- | --- |',
  `| Sweeper scan (sweepOrphans, grace 2 min), ${SWEEPS} runs, every job alive in Redis | ${ms(at(0.5))} | ${ms(at(0.95))} | ${Number(pending.queued) + Number(pending.deferred)} recipients queued or deferred, ${checked} (message, domain) pairs due, each looked up in Redis | ${scans(sweepPlan)} |`,
  `| Sweeper scan, its Postgres pages alone | ${ms(scanAt(0.5))} | ${ms(scanAt(0.95))} | the same pairs, 500 a page | |`,
  `| Sweeper scan, first run (no job in Redis: all enqueued) | ${ms(firstMs)} | | ${first.enqueued.length} jobs enqueued | |`,
  '',
);

// --- the retention job: one month ---
if (RETENTION) {
  const now = Date.now();
  const eventsBefore = new Date(now - 60 * DAY);
  const rawBefore = new Date(now - RAW_RETENTION_MS);
  const rawFrom = new Date(now - RAW_RETENTION_MS - RAW_DAYS * DAY);
  // raw content (5,000 bytes, as raw_size says) for the messages of RAW_DAYS days just past the cutoff:
  // each row goes to its day's partition of message_contents
  started = performance.now();
  const given = await client.query(
    `INSERT INTO message_contents (id, raw)
     SELECT id, convert_to(repeat(md5(id) || md5(id || 'b'), 79) || repeat('x', 56), 'UTF8') FROM messages
     WHERE project_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id
     ON CONFLICT (id) DO UPDATE SET raw = excluded.raw`,
    [project.id, rawFrom, rawBefore],
  );
  log(`raw content given to ${given.rowCount} messages (${RAW_DAYS} days) in ${Math.round(performance.now() - started)} ms`);
  const count = async (sql: string, values: unknown[]) => Number((await client.query<{ n: string }>(sql, values)).rows[0]?.n);
  const eventsDue = await count('SELECT count(*) AS n FROM events WHERE id < $1', [idBound('evt', eventsBefore)]);
  const rawDue = await count('SELECT count(*) AS n FROM message_contents WHERE id < $1', [idBound('msg', rawBefore)]);
  const partitionsBefore = new Map<string, number>();
  for (const table of ['events', 'message_contents', 'webhook_deliveries']) partitionsBefore.set(table, (await listPartitions(client, table)).length);
  // one run of the job, as the schedule makes it: every partition past its setting dropped
  log(`retention: ${eventsDue} events older than 60 days, ${rawDue} contents older than 30 days`);
  started = performance.now();
  const result = await applyRetention({ db, clock: () => new Date(), log: quiet, rawRetentionMs: RAW_RETENTION_MS, eventRetentionMs: 60 * DAY });
  const seconds = (performance.now() - started) / 1000;
  const eventsLeft = await count('SELECT count(*) AS n FROM events WHERE created_at < $1', [eventsBefore]);
  const rawLeft = await count('SELECT count(*) AS n FROM message_contents c JOIN messages m ON m.id = c.id WHERE m.created_at < $1', [rawBefore]);
  log(`retention: ${result.partitionsDropped.length} partitions dropped in ${seconds.toFixed(2)} s (${result.partitionsDropped.join(', ')}); ${result.rowsKept} rows kept`);
  const droppedOf = (table: string) => result.partitionsDropped.filter((name) => name.startsWith(`${table}_p`)).length;
  lines.push(
    '| Retention (applyRetention, one run: partitions past their setting detached and dropped) | Rows due | Partitions dropped | Seconds | Left past the cutoff |',
    '| --- | --- | --- | --- | --- |',
    `| Events older than 60 days (HERALD_RETENTION_EVENTS=60d: one month of the 90-day seed, weekly partitions) | ${eventsDue.toLocaleString('en')} | ${droppedOf('events')} of ${partitionsBefore.get('events')} | ${seconds.toFixed(2)} (the whole run) | ${eventsLeft.toLocaleString('en')} (in the week that straddles the cutoff: dropped with it) |`,
    `| Content of ${RAW_DAYS} day(s) of messages just past HERALD_RETENTION_RAW=30d (daily partitions) | ${rawDue.toLocaleString('en')} | ${droppedOf('message_contents')} of ${partitionsBefore.get('message_contents')} | | ${rawLeft.toLocaleString('en')} (${result.rowsKept} kept for messages still being sent, in the default partition) |`,
    `| Webhook deliveries (the seed has none) | 0 | ${droppedOf('webhook_deliveries')} of ${partitionsBefore.get('webhook_deliveries')} | | |`,
    '',
  );
} else {
  lines.push('Retention not measured in this run (it deletes seeded rows: `BENCH_SCALE_RETENTION=1`).', '');
}

const previous = readFileSync(RESULTS, 'utf8');
const kept = previous.includes(SECTION) ? previous.slice(0, previous.indexOf(SECTION)) : `${previous.trimEnd()}\n\n`;
writeFileSync(RESULTS, `${kept}${SECTION}\n\n${lines.join('\n')}`);
console.log(lines.join('\n'));
await client.end();
await db.$disconnect();
