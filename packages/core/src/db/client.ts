import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { watchPool, type PoolRole } from '../metrics/sources.ts';
import { asDatabaseError } from './unavailable.ts';
import { UnnamedStatementClient } from './unnamed-statements.ts';

export type { Prisma } from '../generated/prisma/client.ts';

/** Prisma's operations, each rethrowing "Postgres could not be reached" as a DatabaseUnavailableError. */
function withTypedErrors(client: PrismaClient) {
  return client.$extends({
    name: 'herald-typed-errors',
    query: {
      async $allOperations({ args, query }): Promise<unknown> {
        try {
          return (await query(args)) as unknown;
        } catch (err) {
          throw asDatabaseError(err);
        }
      },
    },
  });
}

/** The Prisma client Herald uses: see createDb. */
export type Db = ReturnType<typeof withTypedErrors>;

/** Where a client made by `createDb` keeps its pool (a property, so a test's Proxy around the client can swap it). */
export const SQL_POOL = Symbol.for('herald.sqlPool');

export interface DbOptions {
  /** Connections the pool may open (default 10). */
  poolSize?: number;
  /** What the URL reaches (HERALD_DATABASE_POOLER): `transaction`, a transaction-mode pooler, where every statement is sent unnamed. */
  pooler?: 'none' | 'transaction';
  /** Which server the URL reaches, as the pool metrics label it: the primary (default) or the read replica. */
  role?: PoolRole;
  /**
   * false: no Prisma client, only the pool (see withoutOrm). The worker's: Prisma 7 compiles queries
   * with a WebAssembly module that holds about 70 MB in a process from its first operation on, and
   * everything a worker does is written as plain SQL.
   */
  orm?: boolean;
}

/**
 * A Prisma client over node-postgres (Prisma 7 needs no native query engine). Its connection pool is
 * also reachable through `sqlPool(db)`, for the few hot paths written as plain SQL (a Prisma query
 * costs several times the CPU of the same query through pg). Both raise DatabaseUnavailableError when
 * Postgres cannot be reached (interactive transactions included), so nothing above the db layer has
 * to recognise the drivers' errors.
 */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
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
  if (options.orm === false) return poolOnly(pool);
  const client = withTypedErrors(new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) }));
  return new Proxy(client, {
    get(target, prop) {
      if (prop === SQL_POOL) return pool;
      const value: unknown = Reflect.get(target, prop);
      // starting an interactive transaction is not one of the operations the query extension sees
      if (prop === '$transaction') {
        return (...args: unknown[]) => (value as (...a: unknown[]) => Promise<unknown>).apply(target, args).catch(rethrowTyped);
      }
      return value;
    },
  });
}

/**
 * A client with the pool only: `sqlPool(db)`, `pgPool(db)` and `$disconnect()` work, anything of
 * Prisma's throws, naming what was asked for. Its type is Db's, so that the functions the worker
 * shares with the API take either; the worker's tests run against one (withoutOrm), so a worker path
 * that reaches Prisma fails them.
 */
function poolOnly(pool: pg.Pool): Db {
  return new Proxy({} as Db, {
    get(_target, prop) {
      if (prop === SQL_POOL) return pool;
      if (prop === '$disconnect') return () => pool.end();
      // what `await`, inspection and test matchers look for: this is not a promise, and has no tag
      if (typeof prop === 'symbol' || prop === 'then' || prop === 'toJSON') return undefined;
      throw new Error(`db.${prop}: this client has no Prisma side (createDb with orm: false); query through sqlPool(db)`);
    },
  });
}

/** A client made by `createDb` as one made with `orm: false`: the same pool, no Prisma (tests of the worker's paths). */
export function withoutOrm(db: Db): Db {
  return poolOnly(pgPool(db));
}

/** The plain-SQL side of the db layer: node-postgres' pool, with errors typed as the Prisma side's are. */
export interface Sql {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(config: pg.QueryConfig | string, values?: unknown[]): Promise<pg.QueryResult<R>>;
  /** A connection of one's own (for a transaction: see inTransaction); release it when done. */
  connect(): Promise<pg.PoolClient>;
}

/** The node-postgres pool under a client made by `createDb`, as it is (tests that simulate outages swap it). */
export function pgPool(db: Db): pg.Pool {
  const pool = (db as unknown as { [SQL_POOL]?: pg.Pool })[SQL_POOL];
  if (!pool) throw new Error('sqlPool: this Prisma client was not made by createDb');
  return pool;
}

function rethrowTyped(err: unknown): never {
  throw asDatabaseError(err);
}

/** The plain-SQL access of a client made by `createDb`. */
export function sqlPool(db: Db): Sql {
  const pool = pgPool(db);
  return {
    query: (config, values) => pool.query(config as pg.QueryConfig, values).catch(rethrowTyped),
    connect: () => pool.connect().catch(rethrowTyped),
  };
}
