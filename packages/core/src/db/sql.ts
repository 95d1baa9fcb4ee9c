import { createHash } from 'node:crypto';
import type pg from 'pg';

/** A column of a multi-row insert: its name in the table and its Postgres type. */
export type Column = readonly [name: string, type: string];

/** `"a", "b"`: the columns' names, for a column list. */
export const columnNames = (columns: readonly Column[]): string => columns.map(([name]) => `"${name}"`).join(', ');

/** `"a" text, "b" int`: the record type of jsonb_to_recordset(...) AS x(...). */
export const recordsetTypes = (columns: readonly Column[]): string => columns.map(([name, type]) => `"${name}" ${type}`).join(', ');

/**
 * A statement Postgres parses once per connection and then only binds and runs (node-postgres
 * prepares a query that has a name): for the statements run on every request or delivery. The name
 * must stand for this text alone.
 */
export function prepared(name: string, text: string, values: unknown[]): pg.QueryConfig {
  return { name: `herald.${name}`, text, values };
}

/**
 * Inserts many rows in one statement: the rows travel as one JSON parameter and are unpacked by
 * jsonb_to_recordset, so the statement and its plan are the same for 1 row or 500. Rows are keyed by
 * column name; JSON values for jsonb columns are passed as they are. Conflicting rows are skipped
 * when `skipConflicts` is set. Answers the ids of the rows inserted.
 */
export async function insertRows(
  client: pg.ClientBase | pg.Pool,
  table: string,
  columns: readonly Column[],
  rows: readonly Record<string, unknown>[],
  options: { skipConflicts?: boolean } = {},
): Promise<string[]> {
  if (rows.length === 0) return [];
  const names = columnNames(columns);
  const types = recordsetTypes(columns);
  const text =
    `INSERT INTO "${table}" (${names}) SELECT ${names} FROM jsonb_to_recordset($1::jsonb) AS x(${types})` +
    `${options.skipConflicts ? ' ON CONFLICT DO NOTHING' : ''} RETURNING id`;
  const result = await client.query<{ id: string }>(prepared(`insert.${createHash('sha1').update(text).digest('hex').slice(0, 12)}`, text, [JSON.stringify(rows)]));
  return result.rows.map((r) => r.id);
}

/** Runs `work` in one transaction on one pooled connection: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken = false;
  // a connection lost while checked out (a Postgres restart) must not crash the process: the query
  // in flight fails with the error, and the client is discarded on release
  const lost = () => (broken = true);
  client.on('error', lost);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => (broken = true));
    throw err;
  } finally {
    client.off('error', lost);
    client.release(broken);
  }
}
