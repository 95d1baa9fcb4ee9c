import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { BEGIN_GENERIC, inTransaction, pgPool, prepared, sqlPool, type Db } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { TEST_DATABASE_URL, uniquePrefix } from '../support/env.ts';
import { startHeraldStack, type HeraldStack } from '../support/herald-stack.ts';
import { freePort, runHerald, startHerald, type HeraldProcess } from '../support/herald-process.ts';
import { startPrivatePgBouncer, type PrivatePgBouncer } from '../support/private-pgbouncer.ts';
import { throwawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database.ts';
import { waitFor } from '../support/wait-for.ts';

/** What Postgres answers when a named statement meets a server connection that does not (or already does) have it. */
const PREPARED_STATEMENT_ERROR = /prepared statement \\?"herald\.[\w.-]+\\?" (does not exist|already exists)/;

/**
 * Herald behind the Debian PgBouncer (1.18: no prepared statements in transaction mode) with
 * pool_mode=transaction and two server connections, handed out round robin, so that a client's
 * successive transactions run on different server connections.
 */
describe('behind PgBouncer in transaction pooling mode', () => {
  let pgbouncer: PrivatePgBouncer;
  beforeAll(async () => {
    pgbouncer = await startPrivatePgBouncer(TEST_DATABASE_URL);
  });
  afterAll(async () => {
    await pgbouncer?.stop();
  });

  describe('the db layer', () => {
    const testDatabase = new URL(TEST_DATABASE_URL).pathname.slice(1);
    const dbs: Db[] = [];
    afterAll(async () => {
      for (const db of dbs) await db.$disconnect();
    });

    /** Two processes' pools of four connections each, through PgBouncer, running the hot paths' kinds of statement at once. */
    async function traffic(pooler: 'none' | 'transaction'): Promise<PromiseSettledResult<number>[]> {
      const pools = [0, 1].map(() => {
        const db = createDb(pgbouncer.url(testDatabase), { poolSize: 4, pooler });
        dbs.push(db);
        return sqlPool(db);
      });
      const runs = Array.from({ length: 120 }, async (_, i) => {
        const sql = pools[i % 2] as (typeof pools)[number];
        if (i % 3 === 0) {
          return inTransaction(sql, async (client) => {
            const a = await client.query<{ n: number }>(prepared('pgb.add', 'SELECT $1::int + 1 AS n', [i]));
            const b = await client.query<{ n: number }>(prepared('pgb.double', 'SELECT $1::int * 2 AS n', [a.rows[0]?.n]));
            return b.rows[0]?.n as number;
          }, BEGIN_GENERIC);
        }
        const result = await sql.query<{ n: number }>(prepared(i % 3 === 1 ? 'pgb.add' : 'pgb.double', i % 3 === 1 ? 'SELECT $1::int + 1 AS n' : 'SELECT $1::int * 2 AS n', [i]));
        return result.rows[0]?.n as number;
      });
      return Promise.allSettled(runs);
    }

    it('with pooler=transaction, runs every named statement of many clients, unnamed, with its result', async () => {
      const results = await traffic('transaction');
      const expected = Array.from({ length: 120 }, (_, i) => (i % 3 === 0 ? (i + 1) * 2 : i % 3 === 1 ? i + 1 : i * 2));
      expect(results.map((r) => (r.status === 'fulfilled' ? r.value : String(r.reason)))).toEqual(expected);
      // Prisma's queries go over the same pool
      const db = dbs.at(-1) as Db;
      expect(await db.project.count()).toBeGreaterThanOrEqual(0);
      expect(pgPool(db).totalCount).toBeGreaterThan(1);
    });

    it('without it, the same statements fail: prepared on one server connection, missing or already there on the next', async () => {
      const results = await traffic('none');
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => String((r.reason as Error).message));
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.some((message) => PREPARED_STATEMENT_ERROR.test(message))).toBe(true);
    });
  });

  describe('the API and a worker', () => {
    let database: ThrowawayDatabase;
    let stack: HeraldStack;
    beforeAll(async () => {
      database = throwawayDatabase('pgbouncer');
      stack = await startHeraldStack({
        label: 'pgbouncer',
        databaseUrl: pgbouncer.url(database.name),
        // `herald migrate` goes straight to Postgres; the CLI's other commands, the API and the worker through PgBouncer
        env: { HERALD_DATABASE_POOLER: 'transaction', DATABASE_DIRECT_URL: database.url },
      });
    }, 120_000);
    afterAll(async () => {
      await stack?.stop();
      await database?.drop();
    });

    /** A few dozen messages to the API at `apiUrl`: 20 sent one by one (at once), and two batches of 10. */
    async function sendTraffic(apiUrl: string, tag: string): Promise<{ statuses: number[]; ids: string[] }> {
      const from = `hello@${stack.senderDomain}`;
      const post = (path: string, body: unknown) =>
        fetch(`${apiUrl}${path}`, { method: 'POST', headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const singles = Array.from({ length: 20 }, (_, i) => post('/v1/messages', { from, to: `single${i}@${stack.recipientDomain}`, subject: `Single ${i}`, text: 'x', tags: [tag] }));
      const batches = [0, 1].map((b) =>
        post('/v1/messages/batch', { messages: Array.from({ length: 10 }, (_, i) => ({ from, to: `batch${b}-${i}@${stack.recipientDomain}`, subject: `Batch ${b}.${i}`, text: 'x', tags: [tag] })) }),
      );
      const responses = await Promise.all([...singles, ...batches]);
      const ids: string[] = [];
      for (const response of responses) {
        if (response.status !== 202 && response.status !== 200) continue;
        const body = (await response.json()) as { id?: string; data?: { id: string }[] };
        if (body.id) ids.push(body.id);
        for (const item of body.data ?? []) ids.push(item.id);
      }
      return { statuses: responses.map((r) => r.status), ids };
    }

    it('delivers every message sent one by one and in batches to the MX, records its events, and lists and gets them', async () => {
      const tag = 'pgb-on';
      const { statuses, ids } = await sendTraffic(stack.apiUrl, tag);
      expect(statuses.every((s) => s === 202 || s === 200), `statuses ${statuses.join(',')}`).toBe(true);
      expect(ids).toHaveLength(40);
      for (const id of ids) await stack.waitForReceived(id);
      for (const id of ids) {
        const message = await stack.waitForStatus(id, 'delivered');
        expect(message.events.map((e) => e.type)).toEqual(['queued', 'delivered']);
        expect(ids.map((i) => stack.receivedCopies(i).length).filter((n) => n !== 1)).toEqual([]);
      }
      const events = await fetch(`${stack.apiUrl}/v1/messages/${ids[0]}/events`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
      expect(events.status).toBe(200);
      expect(((await events.json()) as { data: { type: string }[] }).data.map((e) => e.type).sort()).toEqual(['delivered', 'queued']);

      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await fetch(`${stack.apiUrl}/v1/messages?tag=${tag}&limit=15${cursor ? `&cursor=${cursor}` : ''}`, { headers: { authorization: `Bearer ${stack.apiKey}` } });
        expect(page.status).toBe(200);
        const body = (await page.json()) as { data: { id: string; status: string }[]; next_cursor: string | null };
        listed.push(...body.data.map((m) => m.id));
        expect(body.data.every((m) => m.status === 'delivered')).toBe(true);
        cursor = body.next_cursor;
      } while (cursor);
      expect(listed.sort()).toEqual([...ids].sort());

      const logs = stack.api.output() + stack.worker.output();
      expect(logs).not.toMatch(PREPARED_STATEMENT_ERROR);
      // all of it went through PgBouncer's two server connections
      const backends = await database.withClient(async (client: pg.Client) =>
        Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")).rows[0]?.n),
      );
      expect(backends).toBeLessThanOrEqual(2);
    }, 120_000);

    it('herald migrate refuses to run through the pooler: it asks for DATABASE_DIRECT_URL', async () => {
      const refused = await runHerald(['migrate'], { ...stack.env, DATABASE_DIRECT_URL: '' });
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toMatch(/DATABASE_DIRECT_URL: required to migrate when HERALD_DATABASE_POOLER=transaction/);
      const migrated = await runHerald(['migrate'], stack.env);
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toMatch(/database is up to date/);
    });

    it('without HERALD_DATABASE_POOLER=transaction, the same traffic fails through PgBouncer', async () => {
      // the same database, project and MX: the stack's processes give way to an API and a worker without the setting
      await stack.api.stop();
      await stack.worker.stop();
      const port = await freePort();
      const env = { ...stack.env, HERALD_DATABASE_POOLER: 'none', HERALD_API_PORT: String(port), HERALD_QUEUE_PREFIX: uniquePrefix('pgb-off') };
      const processes: HeraldProcess[] = [];
      try {
        processes.push(await startHerald('api', env), await startHerald('worker', env));
        const { statuses, ids } = await sendTraffic(`http://127.0.0.1:${port}`, 'pgb-off');
        const output = () => processes.map((p) => p.output()).join('');
        await waitFor('a prepared-statement error in the logs', () => PREPARED_STATEMENT_ERROR.test(output()), 20_000);
        // some requests were refused, or some accepted messages are not recorded as delivered (their outcomes failed to be written)
        await new Promise((resolve) => setTimeout(resolve, 3_000));
        const undelivered = await database.withClient(async (client: pg.Client) =>
          Number((await client.query<{ n: string }>("SELECT count(*) AS n FROM messages WHERE id = ANY($1) AND status <> 'delivered'", [ids])).rows[0]?.n),
        );
        expect(statuses.filter((s) => s >= 500).length + undelivered).toBeGreaterThan(0);
      } finally {
        for (const process of processes) await process.stop('SIGKILL');
      }
    }, 120_000);
  });
});
