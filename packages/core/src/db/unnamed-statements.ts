import pg from 'pg';

/**
 * A node-postgres client that sends every statement unnamed: for a pool behind a transaction-mode
 * pooler (HERALD_DATABASE_POOLER=transaction). node-postgres prepares a query that has a name once
 * per connection and afterwards only binds it; behind PgBouncer in transaction mode the next
 * transaction may run on another server connection, where that statement was never prepared
 * ("prepared statement … does not exist") or was prepared by another client ("… already exists").
 * Unnamed, a statement is parsed, planned and run in the one round trip of each query, so the
 * `prepared(...)` statements of the hot paths keep their text and parameters and lose only the
 * saved parse. Anything else a client sends (Prisma's queries are unnamed already) passes as it is.
 */
export class UnnamedStatementClient extends pg.Client {
  // node-postgres declares query() with many overloads: this one override strips the name and calls the original with the same arguments
  override query = ((...args: unknown[]) => {
    const [config] = args;
    if (isNamedQueryConfig(config)) args[0] = { ...config, name: undefined };
    return (pg.Client.prototype.query as (...a: unknown[]) => unknown).apply(this, args);
  }) as pg.Client['query'];
}

/** A query given as a config object with a name (not a submittable such as a cursor, which carries its own state). */
function isNamedQueryConfig(config: unknown): config is pg.QueryConfig {
  return typeof config === 'object' && config !== null && typeof (config as { submit?: unknown }).submit !== 'function' && Boolean((config as { name?: unknown }).name);
}
