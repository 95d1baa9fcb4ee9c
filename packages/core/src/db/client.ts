import pg from 'pg';
import { watchPool, type PoolRole } from '../metrics/sources.ts';
import { asDatabaseError } from './unavailable.ts';
import { UnnamedStatementClient } from './unnamed-statements.ts';

export type { Prisma } from '../generated/prisma/client.ts';
/** The Prisma client Herald uses (createDb, in `@herald/core/db/orm`). */
export type { Db } from './orm.ts';
import type { Db } from './orm.ts';

/** Where a client keeps its pool (a property, so a test's Proxy around the client can swap it). */
export const SQL_POOL = Symbol.for('herald.sqlPool');

export interface DbOptions {
  /** Connections the pool may open (default 10). */
  poolSize?: number;
  /** What the URL reaches (HERALD_DATABASE_POOLER): `transaction`, a transaction-mode pooler, where every statement is sent unnamed. */
  pooler?: 'none' | 'transaction';
  /** Which server the URL reaches, as the pool metrics label it: the primary (default) or the read replica. */
  role?: PoolRole;
}

/**
 * The node-postgres pool under every client (createDb's and createSqlDb's). Both raise
 * DatabaseUnavailableError when Postgres cannot be reached, so nothing above the db layer has to
 * recognise the drivers' errors.
 */
export function openPool(databaseUrl: string, options: DbOptions = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.poolSize ?? 10,
    connectionTimeoutMillis: 10_000,
    // a statement is sent without waiting for the answer to the one before it on the same connection:
    // a transaction's BEGIN goes with its first statement, and a keyed statement's COMMIT with it
    // (inTransaction, keyedQuery); queries awaited one by one (Prisma's) run as before
    pipeline: true,
    // behind a transaction-mode pooler no statement may outlive its transaction: see UnnamedStatementClient
    ...(options.pooler === 'transaction' ? { Client: UnnamedStatementClient } : {}),
  });
  // an idle connection cut by a Postgres restart is dropped by the pool; the next query opens another
  pool.on('error', () => undefined);
  // its connections in use, idle and waited for are read at scrape time (herald_db_pool_*)
  watchPool(pool, options.role ?? 'primary');
  return pool;
}

/**
 * A client with the pool only, for the worker: `sqlPool(db)`, `pgPool(db)` and `$disconnect()` work,
 * anything of Prisma's throws, naming what was asked for. Prisma 7 compiles queries with a
 * WebAssembly module that holds about 70 MB of a process from its first operation on, and its
 * generated client about 12 MB more once imported: this module imports neither (the ORM's client is
 * made by createDb, in `@herald/core/db/orm`, which the worker never imports). Its type is Db's, so
 * that the functions the worker shares with the API take either.
 */
export function createSqlDb(databaseUrl: string, options: DbOptions = {}): Db {
  return poolOnly(openPool(databaseUrl, options));
}

function poolOnly(pool: pg.Pool): Db {
  return new Proxy({} as Db, {
    get(_target, prop) {
      if (prop === SQL_POOL) return pool;
      if (prop === '$disconnect') return () => pool.end();
      // what `await`, inspection and test matchers look for: this is not a promise, and has no tag
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new Error(`db.${prop}: this client has no Prisma side (createSqlDb); query through sqlPool(db)`);
    },
  });
}

/** A client as createSqlDb makes it, on the pool of another (tests of the worker's paths: their fixtures use Prisma). */
export function withoutOrm(db: Db): Db {
  return poolOnly(pgPool(db));
}

/** The plain-SQL side of the db layer: node-postgres' pool, with errors typed as the Prisma side's are. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A connection of one's own (for a transaction: see inTransaction); release it when done. */
  connect(): Promise<pg.PoolClient>;
}

/** The node-postgres pool under a client, as it is (tests that simulate outages swap it). */
export function pgPool(db: Db): pg.Pool {
  const pool = (db as unknown as { [SQL_POOL]?: pg.Pool })[SQL_POOL];
  if (!pool) throw new Error('sqlPool: this client was not made by createDb or createSqlDb');
  return pool;
}

/** Rethrows a driver's error as the db layer types it (DatabaseUnavailableError when Postgres cannot be reached). */
export function rethrowTyped(err: unknown): never {
  throw asDatabaseError(err);
}

/** The plain-SQL access of a client. */
export function sqlPool(db: Db): Sql {
  const pool = pgPool(db);
  return {
    query: (config, values) => pool.query(config as pg.QueryConfig, values).catch(rethrowTyped),
    connect: () => pool.connect().catch(rethrowTyped),
  };
}
