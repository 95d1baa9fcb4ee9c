import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.ts';
import { openPool, rethrowTyped, SQL_POOL, type DbOptions } from './client.ts';
import { asDatabaseError } from './unavailable.ts';

/*
 * The ORM's side of the db layer, kept out of `@herald/core`'s index: importing the generated client
 * costs a process about 12 MB, and its query compiler about 70 MB more from the first operation.
 * The API, the SMTP and inbound servers, the CLI and tests import createDb from here; the worker
 * never does (createSqlDb).
 */

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

/**
 * A Prisma client over node-postgres (Prisma 7 needs no native query engine). Its connection pool is
 * also reachable through `sqlPool(db)`, for the paths written as plain SQL (a Prisma query costs
 * several times the CPU of the same query through pg). Both raise DatabaseUnavailableError when
 * Postgres cannot be reached (interactive transactions included).
 */
export function createDb(databaseUrl: string, options: DbOptions = {}): Db {
  const pool = openPool(databaseUrl, options);
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
