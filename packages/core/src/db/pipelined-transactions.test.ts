import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { pgPool, sqlPool, type Sql } from './client.ts';
import { createDb } from './orm.ts';
import { BEGIN_GENERIC, inTransaction, keyedQuery, prepared } from './sql.ts';
import { DatabaseUnavailableError } from './unavailable.ts';

/**
 * The plain-SQL pool's connections pipeline (createDb): a transaction's BEGIN goes out with its first
 * statement, and a keyed statement's COMMIT with it, before Postgres has answered anything. What
 * reaches the socket and when each answer comes back is recorded on the connection itself.
 */
describe('transactions over pipelined connections', () => {
  const db = createDb(TEST_DATABASE_URL, { poolSize: 2 });
  const table = `pipelined_${process.pid}`;
  beforeAll(async () => {
    await sqlPool(db).query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text NOT NULL)`);
  });
  afterAll(async () => {
    await sqlPool(db).query(`DROP TABLE IF EXISTS ${table}`);
    await db.$disconnect();
  });

  /** The pool, each connection it lends recording 'write' for every write to Postgres' socket and 'ready' for every answer's end. */
  function recorded(): { sql: Sql; events: string[] } {
    const events: string[] = [];
    const pool = sqlPool(db);
    return {
      events,
      sql: {
        query: (config, values) => pool.query(config, values),
        async connect() {
          const client = await pool.connect();
          const connection = (client as unknown as { connection: { stream: NodeJS.WritableStream & { write: (...a: unknown[]) => boolean }; prependListener: (e: string, f: () => void) => void; off: (e: string, f: () => void) => void } }).connection;
          const stream = connection.stream;
          const write = stream.write.bind(stream);
          const ready = () => events.push('ready');
          stream.write = (...args: unknown[]) => {
            events.push('write');
            return write(...args);
          };
          // before the client's own listener, which sends what it had held back for this answer
          connection.prependListener('readyForQuery', ready);
          const release = client.release.bind(client);
          client.release = (err?: Error | boolean) => {
            // the own property set above goes; the socket's own write shows through again
            delete (stream as { write?: unknown }).write;
            connection.off('readyForQuery', ready);
            return release(err);
          };
          return client;
        },
      },
    };
  }

  it('sends BEGIN, a keyed statement and COMMIT before the first answer: one round trip', async () => {
    const { sql, events } = recorded();
    const result = await keyedQuery<{ id: number }>(sql, prepared('pipelined-insert', `INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING id`, [1, 'kept']));
    expect(result.rows).toEqual([{ id: 1 }]);
    // three queries sent (a prepared statement is written as several messages, so at least three writes), then three answers
    const firstReady = events.indexOf('ready');
    expect(events.slice(0, firstReady).length).toBeGreaterThanOrEqual(3);
    expect(events.slice(firstReady)).toEqual(['ready', 'ready', 'ready']);
    expect((await sqlPool(db).query(`SELECT note FROM ${table} WHERE id = 1`)).rows).toEqual([{ note: 'kept' }]);
  });

  it('sends BEGIN with the first statement of a longer transaction, then waits for each answer it needs, COMMIT once the work is done', async () => {
    const { sql, events } = recorded();
    const note = await inTransaction(sql, async (client) => {
      const first = await client.query<{ id: number }>(`INSERT INTO ${table} (id, note) VALUES (2, 'two') RETURNING id`);
      const second = await client.query<{ note: string }>(`UPDATE ${table} SET note = note || '+' WHERE id = $1 RETURNING note`, [first.rows[0]?.id]);
      return second.rows[0]?.note;
    }, BEGIN_GENERIC);
    expect(note).toBe('two+');
    // BEGIN and the INSERT out together, their two answers; the UPDATE, its answer; COMMIT, its answer
    expect(events.filter((e, i) => e !== events[i - 1])).toEqual(['write', 'ready', 'write', 'ready', 'write', 'ready']);
    expect(events.slice(0, events.indexOf('ready')).length).toBeGreaterThanOrEqual(2);
    expect(events.filter((e) => e === 'ready')).toHaveLength(4);
  });

  it('sends COMMIT right behind the statement the work sends as its last: two round trips for two dependent statements', async () => {
    const { sql, events } = recorded();
    const note = await inTransaction(sql, async (client, last) => {
      const first = await client.query<{ id: number }>(`INSERT INTO ${table} (id, note) VALUES (6, 'six') RETURNING id`);
      const second = await last<{ note: string }>({ text: `UPDATE ${table} SET note = note || '+' WHERE id = $1 RETURNING note`, values: [first.rows[0]?.id] });
      return second.rows[0]?.note;
    }, BEGIN_GENERIC);
    expect(note).toBe('six+');
    // BEGIN and the INSERT, two answers; the UPDATE and COMMIT, two answers
    expect(events.filter((e, i) => e !== events[i - 1])).toEqual(['write', 'ready', 'write', 'ready']);
    expect(events.join(',').split('ready,ready').length).toBe(3);
    expect((await sqlPool(db).query(`SELECT note FROM ${table} WHERE id = 6`)).rows).toEqual([{ note: 'six+' }]);
  });

  it('reports a keyed statement that fails with its own error, keeps nothing, and leaves the connection usable', async () => {
    const { sql } = recorded();
    const failed = await keyedQuery(sql, prepared('pipelined-duplicate', `INSERT INTO ${table} (id, note) VALUES ($1, $2), ($1, $2)`, [3, 'twice'])).catch((e: unknown) => e);
    expect((failed as { code?: string }).code).toBe('23505');
    expect((await sqlPool(db).query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 3`)).rows).toEqual([{ n: 0 }]);
    // every connection of the pool answers outside any transaction afterwards
    const clients = await Promise.all([pgPool(db).connect(), pgPool(db).connect()]);
    for (const client of clients) {
      expect((await client.query('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect((client as unknown as { getTransactionStatus(): string | null }).getTransactionStatus()).toBe('I');
      client.release();
    }
  });

  it('fails a transaction whose statement failed though its work went on, keeping nothing it wrote', async () => {
    const { sql } = recorded();
    const outcome = await inTransaction(sql, async (client: pg.PoolClient) => {
      await client.query(`INSERT INTO ${table} (id, note) VALUES (4, 'before')`);
      // a failure the work swallows: the transaction is aborted all the same, and COMMIT is answered ROLLBACK
      await client.query(`INSERT INTO ${table} (id, note) VALUES (4, 'again')`).catch(() => undefined);
      return 'carried on';
    }).catch((e: unknown) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(String((outcome as Error).message)).toMatch(/rolled back/);
    expect((await sqlPool(db).query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 4`)).rows).toEqual([{ n: 0 }]);
  });

  it('fails as Postgres unavailable when the connection ends with COMMIT already sent behind a statement, keeps nothing, and lends a sound connection next', async () => {
    const { sql } = recorded();
    // the session ends itself inside the transaction: what was pipelined behind it (COMMIT) never runs
    const lost = await inTransaction(sql, async (client, last) => {
      await client.query(`INSERT INTO ${table} (id, note) VALUES (7, 'lost')`);
      return last({ text: 'SELECT pg_terminate_backend(pg_backend_pid())' });
    }).catch((e: unknown) => e);
    expect(lost).toBeInstanceOf(DatabaseUnavailableError);
    expect((await sqlPool(db).query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 7`)).rows).toEqual([{ n: 0 }]);
    // the dead client was discarded: a keyed statement right after runs on a live one
    const next = await keyedQuery<{ id: number }>(sqlPool(db), prepared('pipelined-after-loss', `INSERT INTO ${table} (id, note) VALUES ($1, $2) RETURNING id`, [8, 'after']));
    expect(next.rows).toEqual([{ id: 8 }]);
  });

  it('rolls back when the work throws, the statements it sent undone', async () => {
    const { sql } = recorded();
    const thrown = await inTransaction(sql, async (client) => {
      await client.query(`INSERT INTO ${table} (id, note) VALUES (5, 'undone')`);
      throw new Error('the work gave up');
    }).catch((e: unknown) => e);
    expect(String((thrown as Error).message)).toBe('the work gave up');
    expect((await sqlPool(db).query(`SELECT count(*)::int AS n FROM ${table} WHERE id = 5`)).rows).toEqual([{ n: 0 }]);
  });
});
