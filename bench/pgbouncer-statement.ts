// `node --import tsx bench/pgbouncer-statement.ts`: what sending statements unnamed costs (HERALD_DATABASE_POOLER=transaction,
// docs/pgbouncer.md). The worker's delivery load statement (apps/worker/src/delivery/steps/load.ts) for one job, run
// one at a time: named (prepared once per connection) straight to Postgres, unnamed straight to Postgres, and unnamed
// through a private PgBouncer in transaction mode. Prints the median and p95 of each, in microseconds. Uses a throwaway
// database on HERALD_TEST_DATABASE_URL's server with one message of 5 recipients, and drops it afterwards.
import { createProject, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { loadJobs } from '../apps/worker/src/delivery/steps/load.ts';
import { startPrivatePgBouncer } from '../test/support/private-pgbouncer.ts';
import { migratedThrowawayDatabase } from '../test/support/throwaway-database.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3000);
const database = await migratedThrowawayDatabase('pgb_bench');
const pgbouncer = await startPrivatePgBouncer(database.url, { poolSize: 2 });
const dbs: Db[] = [];
try {
  const setup = createDb(database.url, { poolSize: 1 });
  dbs.push(setup);
  const { project } = await createProject(setup, 'pgbouncer-bench');
  await database.withClient(async (client) => {
    await client.query(
      `WITH m AS (INSERT INTO messages (id, project_id, from_email, message_id_header, raw_size) VALUES ('msg_bench', $1, 'a@bench.example', '<x@bench.example>', $3) RETURNING id)
       INSERT INTO message_contents (id, raw) SELECT id, $2 FROM m`,
      [project.id, Buffer.alloc(4000, 'x'), 4000],
    );
    await client.query(
      `INSERT INTO recipients (id, message_id, project_id, email, domain) SELECT 'rcp_bench_' || i, 'msg_bench', $1, 'r' || i || '@rcpt.example', 'rcpt.example' FROM generate_series(1, 5) i`,
      [project.id],
    );
    await client.query('ANALYZE');
  });
  const job = [{ messageId: 'msg_bench', domain: 'rcpt.example' }];
  const runs: [string, Db][] = [
    ['named, direct', createDb(database.url, { poolSize: 1 })],
    ['unnamed, direct', createDb(database.url, { poolSize: 1, pooler: 'transaction' })],
    ['unnamed, through PgBouncer (transaction mode)', createDb(pgbouncer.url(database.name), { poolSize: 1, pooler: 'transaction' })],
  ];
  for (const [label, db] of runs) {
    dbs.push(db);
    const loaded = await loadJobs(db, job);
    if (loaded.values().next().value?.recipients.length !== 5) throw new Error(`${label}: the statement did not load the message`);
    for (let i = 0; i < 200; i++) await loadJobs(db, job);
    const times: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const start = process.hrtime.bigint();
      await loadJobs(db, job);
      times.push(Number(process.hrtime.bigint() - start) / 1000);
    }
    times.sort((a, b) => a - b);
    const at = (q: number) => Math.round(times[Math.floor(q * (times.length - 1))] as number);
    console.log(`${label}: median ${at(0.5)} µs, p95 ${at(0.95)} µs (${ROUNDS} runs)`);
  }
} finally {
  for (const db of dbs) await db.$disconnect();
  await pgbouncer.stop();
  await database.drop();
}
