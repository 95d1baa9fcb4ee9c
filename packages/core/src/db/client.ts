import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.ts';

export type Db = PrismaClient;
export type { Prisma } from '../generated/prisma/client.ts';

/** Where a client made by `createDb` keeps its pool (a property, so a test's Proxy around the client can swap it). */
export const SQL_POOL = Symbol.for('herald.sqlPool');

/**
 * A Prisma client over node-postgres (Prisma 7 needs no native query engine). Its connection pool is
 * also reachable through `sqlPool(db)`, for the few hot paths written as plain SQL (see DESIGN.md:
 * a Prisma query costs several times the CPU of the same query through pg).
 */
export function createDb(databaseUrl: string, options: { poolSize?: number } = {}): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: options.poolSize ?? 10, connectionTimeoutMillis: 10_000 });
  // an idle connection cut by a Postgres restart is dropped by the pool; the next query opens another
  pool.on('error', () => undefined);
  const client = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  Object.defineProperty(client, SQL_POOL, { value: pool, configurable: true });
  return client;
}

/** The node-postgres pool under a client made by `createDb`. */
export function sqlPool(db: Db): pg.Pool {
  const pool = (db as unknown as { [SQL_POOL]?: pg.Pool })[SQL_POOL];
  if (!pool) throw new Error('sqlPool: this Prisma client was not made by createDb');
  return pool;
}
