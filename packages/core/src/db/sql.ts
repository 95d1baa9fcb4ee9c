import type pg from 'pg';
import type { Sql } from './client.ts';
import type { Column } from './tables.ts';
import { asDatabaseError } from './unavailable.ts';

export type { Column } from './tables.ts';

/** `"a", "b"`: the columns' names, for a column list. */
export const columnNames = (columns: readonly Column[]): string => columns.map(([name]) => `"${name}"`).join(', ');

/** `"a" text, "b" int`: the record type of jsonb_to_recordset(...) AS x(...). */
export const recordsetTypes = (columns: readonly Column[]): string => columns.map(([name, type]) => `"${name}" ${type}`).join(', ');

/**
 * `INSERT INTO table (columns) SELECT columns FROM jsonb_to_recordset($n::jsonb) AS x(types)`: inserts
 * the rows that travel as one JSON parameter (rows keyed by column name), so the statement and its
 * plan are the same for 1 row or 500. Append `ON CONFLICT …` or `RETURNING …` as needed.
 */
export function insertFromJson(table: string, columns: readonly Column[], parameter: string): string {
  const names = columnNames(columns);
  return `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset(${parameter}::jsonb) AS x(${recordsetTypes(columns)})`;
}

/**
 * A statement Postgres parses once per connection and then only binds and runs (node-postgres
 * prepares a query that has a name): for the statements run on every request or delivery. The name
 * must stand for this text alone. Behind a transaction-mode pooler (HERALD_DATABASE_POOLER=transaction)
 * the pool's clients send it unnamed instead: see UnnamedStatementClient.
 */
export function prepared(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name: `herald.${name}`, text, values };
}

/**
 * `(SELECT $n::text[])::text[]`: an array of ids parameter, for `id = ANY(...)` on a primary key, as
 * a value the planner does not look into. It still finds the rows through the key's index, but a plan
 * made for one array costs the same as for any other, so Postgres keeps one generic plan for a
 * prepared statement instead of planning it afresh for each array (with `= ANY($n)` a custom plan for
 * a few ids looked cheaper than the generic one, estimated for ten, and every run was planned).
 */
export const idArray = (parameter: string): string => `(SELECT ${parameter}::text[])::text[]`;

/**
 * How a transaction of hot statements begins: BEGIN, and within the transaction only, generic plans
 * for its prepared statements and no sequential scans while they are planned (sent in the same round
 * trip). Left to choose, Postgres planned each run of them afresh (a custom plan for each array of
 * ids: a third of a large statement's cost). A generic plan is made the first time the statement runs
 * on a connection and kept until an ANALYZE or a new partition invalidates it: made while the month's
 * partitions held a few hundred rows (a fresh install, a new partition), it read them whole (a
 * sequential scan and a hash join) for every write while they grew, and without autovacuum nothing
 * ever replanned it (test/db/plans-made-small.test.ts; docs/partitioning.md). Written to find their
 * rows by key, these statements need neither. Set per transaction because on a connection it would
 * also apply to the unnamed statements of every Prisma query.
 */
export const BEGIN_GENERIC = 'BEGIN; SET LOCAL plan_cache_mode = force_generic_plan; SET LOCAL enable_seqscan = off';

/**
 * One hot statement that finds its rows by key, run in a transaction of its own begun with
 * BEGIN_GENERIC, so that a plan made while the partitions were small never reads them whole. BEGIN,
 * the statement and COMMIT are written together (the pool's connections pipeline, see openPool): one
 * round trip, as the statement alone would be.
 */
export function keyedQuery<R extends pg.QueryResultRow>(pool: Sql, config: pg.QueryConfig): Promise<pg.QueryResult<R>> {
  return inTransaction(pool, (_client, last) => last<R>(config), BEGIN_GENERIC);
}

/** Sends a transaction's last statement with COMMIT right behind it, and answers that statement's result. */
export type LastStatement = <R extends pg.QueryResultRow>(config: pg.QueryConfig) => Promise<pg.QueryResult<R>>;

/**
 * Runs `work` in one transaction on one pooled connection: committed when it returns, rolled back when
 * it throws. The pool's connections pipeline (openPool): BEGIN goes out with the first statement of
 * `work`, without waiting for its answer (a BEGIN cannot fail on a live connection, and on a lost one
 * everything after it fails too). `work` may send its last statement through `last`, which sends
 * COMMIT right behind it: nothing may follow it, and the transaction then commits unless a statement
 * in it failed. Otherwise COMMIT goes once `work` is done. A statement that fails leaves the
 * transaction aborted, and Postgres answers a COMMIT with ROLLBACK then: a COMMIT answered so is an
 * error here in every case, since nothing `work` wrote was kept.
 */
export async function inTransaction<T>(pool: Sql, work: (client: pg.PoolClient, last: LastStatement) => Promise<T>, begin: string = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // a connection lost while checked out (a Postgres restart) must not crash the process: the query
  // in flight fails with the error, and the client is discarded on release
  const lost = () => (broken = true);
  client.on('error', lost);
  try {
    const begun = client.query(begin);
    let committed = null as Promise<pg.QueryResult> | null;
    const last: LastStatement = <R extends pg.QueryResultRow>(config: pg.QueryConfig) => {
      if (committed) throw new Error('a transaction has one last statement');
      const result = client.query<R>(config);
      committed = client.query('COMMIT');
      return result;
    };
    // run at once (its first statement is sent now, behind BEGIN), and a `work` that throws fails as a promise
    const worked = (async () => work(client, last))();
    const [b, w] = await Promise.allSettled([begun, worked]);
    if (!committed && b.status === 'fulfilled' && w.status === 'fulfilled') committed = client.query('COMMIT');
    // every answer is awaited before the connection goes back to the pool, and the first failure in
    // the order they were sent is the one reported
    const [c] = await Promise.allSettled([committed ?? Promise.resolve(null)]);
    if (b.status === 'rejected') throw b.reason;
    if (w.status === 'rejected') throw w.reason;
    if (c.status === 'rejected') throw c.reason;
    if (c.value?.command === 'ROLLBACK') throw new Error('the transaction was rolled back: a statement in it failed');
    return w.value;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw asDatabaseError(err);
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}
