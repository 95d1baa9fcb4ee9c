// `npm run bench:seed`: fills a database of its own (BENCH_SCALE_DATABASE_URL, default herald_scale on
// the local Postgres) with one project's traffic at volume, for the measurements at size
// (bench/scale/measure.ts): BENCH_SCALE_RECIPIENTS recipients (default 10,000,000) over BENCH_SCALE_DAYS
// days (default 90) up to now, two recipients a message, each with its queued event and an outcome
// (93% delivered, 3% deferred then delivered, 3% bounced — each bounced address then suppressed, as
// Herald does —, 1% suppressed), five tags, recipient domains
// as product mail sees them (a few large providers, a long tail). Rows are written by Postgres itself
// (generate_series), a day at a time; the statistics rollups are then rebuilt from the events, as
// `herald stats rebuild` does. Then 0.1% of the last three days' recipients are put back as still to
// send (half queued, half deferred, nearly all due), the work the sweeper's scan finds in a live database
// (bench/scale/maintenance.ts). A database already seeded with the same figures is left as it is, but
// for that share, added when it has none.
import pg from 'pg';
import { addDomain, createProject, ensurePartitions, migrate, MIGRATIONS_DIR, rebuildStats } from '@herald/core';
import { createDb } from '@herald/core/db/orm';

export const SCALE_DATABASE_URL = process.env.BENCH_SCALE_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/herald_scale';
const RECIPIENTS = Number(process.env.BENCH_SCALE_RECIPIENTS ?? 10_000_000);
const DAYS = Number(process.env.BENCH_SCALE_DAYS ?? 90);
const MASTER_KEY = Buffer.alloc(32, 0x42);
const log = (text: string) => console.log(`[seed ${new Date().toISOString().slice(11, 19)}] ${text}`);

/** One project, named for the figures it holds. */
export const SCALE_PROJECT = `scale-${RECIPIENTS}-${DAYS}d`;

async function main(): Promise<void> {
  const started = Date.now();
  // BENCH_SCALE_MIGRATIONS_DIR: a folder of the migrations up to some point, for a database as an older Herald left it (bench/scale/convert.ts)
  await migrate(SCALE_DATABASE_URL, process.env.BENCH_SCALE_MIGRATIONS_DIR ?? MIGRATIONS_DIR);
  const db = createDb(SCALE_DATABASE_URL, { poolSize: 2 });
  const client = new pg.Client({ connectionString: SCALE_DATABASE_URL });
  await client.connect();
  try {
    const existing = await db.project.findFirst({ where: { name: SCALE_PROJECT }, select: { id: true } });
    if (existing) {
      const added = await seedPending(client, existing.id);
      log(`${SCALE_PROJECT} is already seeded (${existing.id}); ${added ? `${added} recipients put back as due` : 'nothing to do'}`);
      return;
    }
    const created = await createProject(db, SCALE_PROJECT);
    const projectId = created.project.id;
    const domain = await addDomain(db, MASTER_KEY, projectId, 'shop.scale.example');
    await db.domain.update({ where: { id: domain.id }, data: { status: 'verified', verifiedAt: new Date() } });
    await client.query('SET synchronous_commit = off');
    // a bulk load of rows that are consistent by construction: foreign keys are not checked row by row
    // (their triggers off for this session, as pg_restore does), which makes the seed several times faster
    await client.query('SET session_replication_role = replica');
    await client.query(ID_FUNCTIONS);
    const perDay = Math.ceil(RECIPIENTS / 2 / DAYS);
    const firstDay = Date.now() - DAYS * 86_400_000;
    // the partitions of every day, week and month of the traffic, as a database that ran that long has them
    await ensurePartitions(client, new Date(), { since: new Date(firstDay) });
    for (let day = 0; day < DAYS; day++) {
      await client.query('BEGIN');
      await client.query(SEED_DAY_SQL, [projectId, domain.id, new Date(firstDay + day * 86_400_000), perDay, `d${String(day).padStart(3, '0')}`, day]);
      await client.query('COMMIT');
      if (day % 10 === 9 || day === DAYS - 1) log(`day ${day + 1}/${DAYS}: ${(day + 1) * perDay * 2} recipients (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    log(`${await seedPending(client, projectId)} recipients put back as due (queued or deferred)`);
    log('statistics rollups from the events');
    await rebuildStats(client, projectId);
    log('analyze');
    await client.query('ANALYZE');
    log(`seeded ${SCALE_PROJECT} (${projectId}) in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    await client.end();
    await db.$disconnect();
  }
}

/**
 * Puts 0.1% of the recipients of the last three days' messages back to queued (half, never tried) or
 * deferred (half, one attempt, its retry an hour after the message: due, but for the last hour's); their
 * messages become queued. Picked by a hash of the id, so the same ones each time. Does nothing (0) when
 * the project already has recipients queued or deferred.
 */
export async function seedPending(client: pg.Client, projectId: string): Promise<number> {
  const { rows } = await client.query<{ pending: boolean }>(
    "SELECT EXISTS (SELECT 1 FROM recipients WHERE status IN ('queued', 'deferred') AND project_id = $1) AS pending",
    [projectId],
  );
  if (rows[0]?.pending) return 0;
  const result = await client.query(
    `WITH recent AS (
       SELECT r.id, r.message_id, m.created_at FROM messages m JOIN recipients r ON r.message_id = m.id
       WHERE m.project_id = $1 AND m.created_at > now() - interval '3 days'),
     picked AS (
       SELECT id, message_id, created_at, row_number() OVER (ORDER BY hashtext(id)) AS k FROM recent
       ORDER BY hashtext(id) LIMIT (SELECT round(count(*) / 1000.0) FROM recipients WHERE project_id = $1)),
     msg AS (
       UPDATE messages SET status = 'queued' WHERE id IN (SELECT message_id FROM picked) RETURNING 1)
     UPDATE recipients r SET
       status = (CASE WHEN p.k % 2 = 0 THEN 'queued' ELSE 'deferred' END)::"RecipientStatus",
       attempts = CASE WHEN p.k % 2 = 0 THEN 0 ELSE 1 END,
       last_code = CASE WHEN p.k % 2 = 0 THEN NULL ELSE 451 END,
       last_enhanced = CASE WHEN p.k % 2 = 0 THEN NULL ELSE '4.2.1' END,
       last_reply = CASE WHEN p.k % 2 = 0 THEN NULL ELSE '451 4.2.1 Try again later' END,
       last_attempt_at = CASE WHEN p.k % 2 = 0 THEN NULL ELSE p.created_at + interval '8 seconds' END,
       next_attempt_at = CASE WHEN p.k % 2 = 0 THEN NULL ELSE p.created_at + interval '1 hour' END,
       final_at = NULL
     FROM picked p WHERE r.id = p.id`,
    [projectId],
  );
  return result.rowCount ?? 0;
}

/**
 * Ids as Herald mints them (packages/core/src/ids.ts): the prefix, the ULID time of the message (for
 * its recipients and events too), then 16 characters, here a serial number in hex (capital hex digits
 * are Crockford base32 digits), so each day's ids are unique and the rows fall in their partitions.
 */
const ID_FUNCTIONS = `
CREATE FUNCTION pg_temp.ulid_time(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT string_agg(substr('0123456789ABCDEFGHJKMNPQRSTVWXYZ', ((floor(extract(epoch FROM t) * 1000)::bigint >> (5 * (9 - k))) & 31)::int + 1, 1), '' ORDER BY k)
  FROM generate_series(0, 9) AS k $$;
CREATE FUNCTION pg_temp.suffix(n bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$ SELECT lpad(upper(to_hex(n)), 16, '0') $$;`;

/**
 * One day: $4 messages spread over the day from $3, two recipients each, with their events; $5 and $6
 * (the day's number) make the ids unique. Recipient domains by n % 1000: gmail.com 42%, outlook.com 15%, yahoo.com 12%, icloud.com
 * 6%, hotmail.com 5%, and 500 small domains for the rest.
 */
const SEED_DAY_SQL = `
WITH t AS (
  SELECT i, $3::timestamptz + (i * (86400.0 / $4)) * interval '1 second' AS at,
         (ARRAY['welcome', 'receipt', 'reset', 'digest', 'alert'])[1 + i % 5] AS tag
  FROM generate_series(0, $4 - 1) AS i),
src AS (SELECT t.*, pg_temp.ulid_time(at) AS tp, ($6::bigint * 10000000 + i) AS serial FROM t),
m AS (
  INSERT INTO messages (id, project_id, domain_id, status, from_email, subject, message_id_header, raw_size, tags, metadata, source, created_at, updated_at)
  SELECT 'msg_' || tp || pg_temp.suffix(serial), $1, $2, 'delivered', 'app@shop.scale.example', 'Your ' || tag, 'm' || $5 || i || '@shop.scale.example',
         5000, ARRAY[tag], '{}'::jsonb, 'api', at, at
  FROM src RETURNING id, created_at),
rc AS (
  SELECT s.i, s.at, s.tp, s.serial * 2 + r.n AS serial, r.n, 'rcpt_' || s.tp || pg_temp.suffix(s.serial * 2 + r.n) AS id, 'msg_' || s.tp || pg_temp.suffix(s.serial) AS message_id,
         'user' || (s.i * 2 + r.n) || '@' || CASE
           WHEN (s.i * 2 + r.n) % 1000 < 420 THEN 'gmail.com' WHEN (s.i * 2 + r.n) % 1000 < 570 THEN 'outlook.com'
           WHEN (s.i * 2 + r.n) % 1000 < 690 THEN 'yahoo.com' WHEN (s.i * 2 + r.n) % 1000 < 750 THEN 'icloud.com'
           WHEN (s.i * 2 + r.n) % 1000 < 800 THEN 'hotmail.com' ELSE 'small' || ((s.i * 7 + r.n) % 500) || '.example' END AS email,
         (s.i * 2 + r.n) % 100 AS fate
  FROM src s CROSS JOIN (VALUES (0), (1)) AS r(n)),
r AS (
  INSERT INTO recipients (id, message_id, project_id, email, domain, kind, status, attempts, last_code, last_enhanced, last_reply, last_attempt_at, final_at, created_at, updated_at)
  SELECT id, message_id, $1, email, split_part(email, '@', 2), 'to',
         (CASE WHEN fate < 96 THEN 'delivered' WHEN fate < 99 THEN 'bounced' ELSE 'suppressed' END)::"RecipientStatus",
         CASE WHEN fate < 93 THEN 1 WHEN fate < 96 THEN 2 WHEN fate < 99 THEN 1 ELSE 0 END,
         CASE WHEN fate < 96 THEN 250 WHEN fate < 99 THEN 550 END,
         CASE WHEN fate < 96 THEN '2.0.0' WHEN fate < 99 THEN '5.1.1' END,
         CASE WHEN fate < 96 THEN '250 2.0.0 OK' WHEN fate < 99 THEN '550 5.1.1 The email account that you tried to reach does not exist' END,
         at + interval '8 seconds', at + interval '8 seconds', at, at
  FROM rc RETURNING id),
e AS (
  INSERT INTO events (id, project_id, message_id, recipient_id, type, email, attempt, smtp_code, enhanced_code, smtp_reply, category, mx_host, dedupe_key, created_at)
  SELECT 'evt_' || rc.tp || pg_temp.suffix(rc.serial * 4 + ascii(k.k) - 97), $1, rc.message_id, rc.id, k.type::"EventType", rc.email, k.attempt, k.code, k.enhanced, k.reply, k.category,
         CASE WHEN k.code IS NOT NULL THEN 'mx.' || split_part(rc.email, '@', 2) END, k.dedupe, rc.at + k.after
  FROM rc CROSS JOIN LATERAL (VALUES
      ('a', CASE WHEN rc.fate < 99 THEN 'queued' ELSE 'suppressed' END, NULL::int, NULL::int, NULL, NULL, NULL, NULL, interval '0'),
      ('b', CASE WHEN rc.fate < 93 THEN 'delivered' WHEN rc.fate < 96 THEN 'deferred' WHEN rc.fate < 99 THEN 'bounced' END, 1,
            CASE WHEN rc.fate < 93 THEN 250 WHEN rc.fate < 96 THEN 451 ELSE 550 END,
            CASE WHEN rc.fate < 93 THEN '2.0.0' WHEN rc.fate < 96 THEN '4.2.1' ELSE '5.1.1' END,
            CASE WHEN rc.fate < 93 THEN '250 2.0.0 OK' WHEN rc.fate < 96 THEN '451 4.2.1 Try again later' ELSE '550 5.1.1 User unknown' END,
            CASE WHEN rc.fate < 93 THEN NULL WHEN rc.fate < 96 THEN 'mailbox' ELSE 'bad-mailbox' END,
            CASE WHEN rc.fate < 93 THEN 'delivered:' || rc.id WHEN rc.fate < 96 THEN 'attempt:' || rc.id || ':1' ELSE 'attempt:' || rc.id || ':1' END,
            interval '8 seconds'),
      ('c', CASE WHEN rc.fate >= 93 AND rc.fate < 96 THEN 'delivered' END, 2, 250, '2.0.0', '250 2.0.0 OK', NULL, 'delivered:' || rc.id, interval '68 seconds')
    ) AS k(k, type, attempt, code, enhanced, reply, category, dedupe, after)
  WHERE k.type IS NOT NULL
  RETURNING 1),
-- a hard bounce suppresses the address for the project, as the outcome writer does (the first one counts)
s AS (
  INSERT INTO suppressions (id, project_id, email, reason, source_message_id, created_at)
  SELECT 'sup_' || $5 || lpad(rc.i::text, 9, '0') || rc.n, $1, lower(rc.email), 'hard_bounce', rc.message_id, rc.at + interval '8 seconds'
  FROM rc WHERE rc.fate >= 96 AND rc.fate < 99
  ON CONFLICT (project_id, email) DO NOTHING
  RETURNING 1)
SELECT (SELECT count(*) FROM m) AS messages, (SELECT count(*) FROM r) AS recipients, (SELECT count(*) FROM e) AS events, (SELECT count(*) FROM s) AS suppressions`;

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() as string)) await main();
