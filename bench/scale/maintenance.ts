// The worker's maintenance at size, on the database `npm run bench:seed` filled (run by `npm run
// bench:scale` after the reads of measure.ts; alone: `node --import tsx bench/scale/maintenance.ts`):
//
// - the sweeper's scan (sweepOrphans, as the worker calls it every HERALD_SWEEP_INTERVAL, grace 2 min):
//   p50/p95 of BENCH_SCALE_SWEEPS runs (default 20) over the seed's due recipients (0.1% of the last
//   three days'), against the local Redis (REDIS_URL) under a queue prefix of this run's own, deleted
//   at the end. The first run finds no job for any of them and enqueues them all; it is reported apart.
// - the retention job (applyRetention, with the worker's batch, cap and pause), only with
//   BENCH_SCALE_RETENTION=1, because it deletes seeded rows (re-seed afterwards: drop the database):
//   one month of events (HERALD_RETENTION_EVENTS=60d on the 90-day seed, the job run again and again,
//   as its 5-minute schedule would, until nothing is left), and the raw content of
//   BENCH_SCALE_RAW_DAYS days of messages (default 30) just past HERALD_RETENTION_RAW=30d, given raw
//   content first (the seed stores none), the older ones already purged as in a live database.
//
// EXPLAIN (ANALYZE, BUFFERS) of each statement (the retention ones rolled back) goes to stdout. The
// figures replace the "Maintenance at size" section of bench/scale/RESULTS.md.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Redis } from 'ioredis';
import { createDb, createDeliveryQueues, createLogger, createRedis } from '@herald/core';
import { sweepOrphans } from '../../apps/worker/src/recovery/sweep.ts';
import { applyRetention, RAW_PURGE_SQL } from '../../apps/worker/src/maintenance/retention.ts';
import { SCALE_DATABASE_URL, SCALE_PROJECT } from './seed.ts';

const SWEEPS = Number(process.env.BENCH_SCALE_SWEEPS ?? 20);
const RETENTION = process.env.BENCH_SCALE_RETENTION === '1';
const RAW_DAYS = Number(process.env.BENCH_SCALE_RAW_DAYS ?? 30);
/** Stop each retention part (raw content, events) after this many seconds (default: none), reporting what it did by then. */
const RETENTION_MAX_S = Number(process.env.BENCH_SCALE_RETENTION_MAX_S ?? Infinity);
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
const sweepPlan = await explain(
  'sweeper scan, first page',
  `SELECT r.message_id AS "messageId", r.domain, array_agg(DISTINCT r.batch_job_id) FILTER (WHERE r.batch_job_id IS NOT NULL) AS batches
   FROM recipients r JOIN messages m ON m.id = r.message_id
   WHERE r.status IN ('queued', 'deferred')
     AND coalesce(r.next_attempt_at, m.send_at, m.created_at) < $1
     AND (r.sending_until IS NULL OR r.sending_until < $2)
     AND (r.message_id, r.domain) > ($3, $4)
   GROUP BY r.message_id, r.domain
   ORDER BY r.message_id, r.domain
   LIMIT 500`,
  [new Date(Date.now() - SWEEP_GRACE_MS), new Date(), '', ''],
);
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
  let after = ['', ''];
  for (;;) {
    const { rows } = await client.query<{ messageId: string; domain: string }>(
      `SELECT r.message_id AS "messageId", r.domain FROM recipients r JOIN messages m ON m.id = r.message_id
       WHERE r.status IN ('queued', 'deferred') AND coalesce(r.next_attempt_at, m.send_at, m.created_at) < $1
         AND (r.sending_until IS NULL OR r.sending_until < $2) AND (r.message_id, r.domain) > ($3, $4)
       GROUP BY r.message_id, r.domain ORDER BY r.message_id, r.domain LIMIT 500`,
      [new Date(Date.now() - SWEEP_GRACE_MS), new Date(), ...after],
    );
    if (rows.length < 500) break;
    const last = rows[rows.length - 1] as { messageId: string; domain: string };
    after = [last.messageId, last.domain];
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
  // raw content (5,000 bytes, as raw_size says) for the messages of RAW_DAYS days just past the cutoff
  started = performance.now();
  const given = await client.query(
    `WITH m AS (UPDATE messages SET raw_purged_at = NULL WHERE project_id = $1 AND created_at >= $2 AND created_at < $3 RETURNING id)
     INSERT INTO message_contents (id, raw) SELECT id, convert_to(repeat(md5(id) || md5(id || 'b'), 79) || repeat('x', 56), 'UTF8') FROM m ORDER BY id
     ON CONFLICT (id) DO UPDATE SET raw = excluded.raw`,
    [project.id, rawFrom, rawBefore],
  );
  log(`raw content given to ${given.rowCount} messages (${RAW_DAYS} days) in ${Math.round(performance.now() - started)} ms`);
  await client.query('VACUUM ANALYZE messages, message_contents');
  const eventsDue = await client.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE created_at < $1', [eventsBefore]);
  const rawPlan = await explain(
    'retention: raw content, one batch (rolled back)',
    RAW_PURGE_SQL,
    [new Date(now), rawBefore, 1000],
    true,
  );
  const eventsPlan = await explain(
    'retention: events, one batch (rolled back)',
    'DELETE FROM events WHERE id IN (SELECT id FROM events WHERE created_at < $1 ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)',
    [eventsBefore],
    true,
  );
  const webhookPlan = await explain(
    'retention: webhook deliveries, one batch (rolled back)',
    `DELETE FROM webhook_deliveries WHERE id IN (SELECT id FROM webhook_deliveries WHERE created_at < $1 AND status <> 'pending' ORDER BY created_at LIMIT 1000 FOR UPDATE SKIP LOCKED)`,
    [eventsBefore],
    true,
  );

  /** Runs the job as its schedule would, back to back, until `done` says so; its runs, seconds and rows. */
  const runJob = async (eventRetentionMs: number, count: (r: Awaited<ReturnType<typeof applyRetention>>) => number, maxS = Infinity) => {
    const t0 = performance.now();
    let runs = 0;
    let rows = 0;
    for (;;) {
      const result = await applyRetention({ db, clock: () => new Date(), log: quiet, rawRetentionMs: RAW_RETENTION_MS, eventRetentionMs });
      runs++;
      rows += count(result);
      log(`  run ${runs}: ${count(result)} rows (${Math.round((performance.now() - t0) / 1000)} s)`);
      if (count(result) === 0 || (performance.now() - t0) / 1000 > maxS) break;
    }
    return { runs, rows, seconds: (performance.now() - t0) / 1000 };
  };
  log(`raw content: ${given.rowCount} messages to purge`);
  // events kept for ten years here, so that this measures the raw content alone
  const raw = await runJob(3650 * DAY, (r) => r.rawPurged, RETENTION_MAX_S);
  const rawLeft = await client.query<{ n: string }>('SELECT count(*) AS n FROM message_contents c JOIN messages m ON m.id = c.id WHERE m.created_at >= $1 AND m.created_at < $2', [rawFrom, rawBefore]);
  log(`raw content: ${raw.rows} messages purged in ${raw.seconds.toFixed(1)} s, ${raw.runs} runs, ${rawLeft.rows[0]?.n} left`);
  log(`events: ${eventsDue.rows[0]?.n} older than 60 days to delete`);
  const events = await runJob(60 * DAY, (r) => r.eventsDeleted, RETENTION_MAX_S);
  const left = await client.query<{ n: string }>('SELECT count(*) AS n FROM events WHERE created_at < $1', [eventsBefore]);
  log(`events: ${events.rows} deleted in ${events.seconds.toFixed(1)} s, ${events.runs} runs, ${left.rows[0]?.n} left`);
  const perS = (rows: number, s: number) => Math.round(rows / s).toLocaleString('en');
  const leftNote = (left: number, all: number, done: { rows: number; seconds: number }) =>
    left > 0 ? `; stopped after ${Math.round(done.seconds)} s with ${left.toLocaleString('en')} left: all of them at this rate ≈ ${Math.round(all / (done.rows / done.seconds))} s` : '';
  lines.push(
    '| Retention (applyRetention: 1,000 rows a statement, 100 statements a run, 50 ms apart; run back to back) | Rows | Seconds | Rows/s | Runs | Plan (one batch) |',
    '| --- | --- | --- | --- | --- | --- |',
    `| Events older than 60 days (HERALD_RETENTION_EVENTS=60d: one month of the 90-day seed) | ${events.rows.toLocaleString('en')} of ${Number(eventsDue.rows[0]?.n).toLocaleString('en')}${leftNote(Number(left.rows[0]?.n), Number(eventsDue.rows[0]?.n), events)} | ${events.seconds.toFixed(1)} | ${perS(events.rows, events.seconds)} | ${events.runs} | ${scans(eventsPlan)} |`,
    `| Raw content of ${RAW_DAYS} day(s) of messages just past HERALD_RETENTION_RAW=30d (older ones already purged) | ${raw.rows.toLocaleString('en')} of ${(given.rowCount ?? 0).toLocaleString('en')}${leftNote(Number(rawLeft.rows[0]?.n), given.rowCount ?? 0, raw)} | ${raw.seconds.toFixed(1)} | ${perS(raw.rows, raw.seconds)} | ${raw.runs} | ${scans(rawPlan)} |`,
    `| Webhook deliveries (the seed has none) | 0 | | | | ${scans(webhookPlan)} |`,
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
