import type pg from 'pg';

/** The names and bounds Herald puts in DDL: checked, since DDL takes no parameters. */
const IDENTIFIER = /^[a-z][a-z0-9_]{0,62}$/;
const BOUND = /^[a-z]+_[0-9A-Za-z_~-]{0,40}$/;

export const ident = (name: string): string => {
  if (!IDENTIFIER.test(name)) throw new Error(`not a table name Herald makes: ${name}`);
  return `"${name}"`;
};

export const boundLiteral = (bound: string): string => {
  if (!BOUND.test(bound)) throw new Error(`not an id bound Herald makes: ${bound}`);
  return `'${bound}'`;
};

/** How long DDL on a busy table waits for its lock before giving up until the next run (never queueing the table's traffic behind it for long). */
export const DDL_LOCK_TIMEOUT = '3s';

/** Postgres' code for a lock not granted within lock_timeout. */
export const isLockTimeout = (err: unknown): boolean => (err as { code?: string }).code === '55P03';

/** Runs DDL in one transaction with the lock timeout; rolled back whole when any of it fails. */
export async function inDdlTransaction<T>(client: pg.ClientBase, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    await client.query(`SET LOCAL lock_timeout = '${DDL_LOCK_TIMEOUT}'`);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
