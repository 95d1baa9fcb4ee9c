import pg from 'pg';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropExpiredPartitions, ensurePartitions, idBound, listPartitions, nextPeriod, PARTITIONED_TABLES, partitionName, periodStart, type PartitionedTable } from '@herald/core';
import { migratedThrowawayDatabase, type ThrowawayDatabase } from '../support/throwaway-database.ts';

const WEEK = 7 * 86_400_000;
const spec = (table: string) => PARTITIONED_TABLES.find((t) => t.table === table) as PartitionedTable;

/**
 * The partitions of a new database (packages/core/src/partitions): made by `herald migrate` from the
 * current interval on, rows routed by their id's time, intervals past their retention dropped whole.
 */
describe('partitions by time', () => {
  let db: ThrowawayDatabase;
  let client: pg.Client;
  const now = new Date();
  const idAt = (prefix: string, ms: number) => `${prefix}_${ulid(ms)}`;
  const partitionOf = async (table: string, id: string) =>
    (await client.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM ${table} WHERE id = $1`, [id])).rows[0]?.p;
  const insertEvent = (id: string) =>
    client.query(`INSERT INTO events (id, project_id, type, created_at) VALUES ($1, 'prj_partitions', 'domain_verified', now())`, [id]);

  beforeAll(async () => {
    db = await migratedThrowawayDatabase('partitions');
    client = new pg.Client({ connectionString: db.url });
    await client.connect();
    await client.query(`INSERT INTO projects (id, name) VALUES ('prj_partitions', 'partitions')`);
    await client.query(`INSERT INTO webhook_endpoints (id, project_id, url, secret_encrypted) VALUES ('wh_partitions', 'prj_partitions', 'https://hooks.example/x', 'sealed')`);
  });
  afterAll(async () => {
    await client.end();
    await db.drop();
  });

  it('has, for each table, a default partition and one per interval from the current one to those ahead, none of the past', async () => {
    for (const table of PARTITIONED_TABLES) {
      const names = (await listPartitions(client, table.table)).map((p) => p.name);
      const expected = [`${table.table}_p_default`];
      let start = periodStart(now, table.interval);
      for (let i = 0; i <= table.ahead; i++, start = nextPeriod(start, table.interval)) expected.push(partitionName(table.table, start));
      expect(names.sort(), table.table).toEqual(expected.sort());
    }
    expect(await ensurePartitions(client, now)).toEqual({ created: [], skipped: [] });
  });

  it("puts a row in the partition of its id's time, and in the default partition when none holds that time", async () => {
    const nextWeek = nextPeriod(periodStart(now, 'week'), 'week');
    const inNextWeek = idAt('evt', nextWeek.getTime() + 1000);
    const lastYear = idAt('evt', now.getTime() - 52 * WEEK);
    await insertEvent(inNextWeek);
    await insertEvent(lastYear);
    expect(await partitionOf('events', inNextWeek)).toBe(partitionName('events', nextWeek));
    expect(await partitionOf('events', lastYear)).toBe('events_p_default');
    // the partition bounds are the ids' own order: the first id of the week is in it, the last before it is not
    expect(idBound('evt', nextWeek) <= inNextWeek).toBe(true);
  });

  it('leaves to the default partition an interval it already holds rows of, and says which and why', async () => {
    const events = spec('events');
    const later = periodStart(new Date(now.getTime() + (events.ahead + 3) * WEEK), 'week');
    const early = idAt('evt', later.getTime() + 5000);
    await insertEvent(early); // no partition of that week yet: the default takes it
    expect(await partitionOf('events', early)).toBe('events_p_default');
    const result = await ensurePartitions(client, later, { tables: [events] });
    expect(result.skipped).toEqual([{ table: 'events', name: partitionName('events', later), reason: expect.stringMatching(/default partition .* already holds rows/) as string }]);
    expect(result.created).toContain(partitionName('events', nextPeriod(later, 'week')));
    expect(await partitionOf('events', early)).toBe('events_p_default');
  });

  it('drops each partition whose whole interval is past, first moving the rows that must stay to the default partition', async () => {
    const deliveries = spec('webhook_deliveries');
    const week = nextPeriod(periodStart(now, 'week'), 'week');
    const name = partitionName('webhook_deliveries', week);
    const [pending, done] = [idAt('whd', week.getTime() + 10), idAt('whd', week.getTime() + 20)];
    await client.query(
      `INSERT INTO webhook_deliveries (id, endpoint_id, project_id, event_type, payload, status) VALUES
       ($1, 'wh_partitions', 'prj_partitions', 'message.delivered', '{}', 'pending'), ($2, 'wh_partitions', 'prj_partitions', 'message.delivered', '{}', 'succeeded')`,
      [pending, done],
    );
    // `week` is when the current week's partition ends: a moment before it, nothing is past
    expect(await dropExpiredPartitions(client, deliveries, new Date(week.getTime() - 1))).toEqual({ dropped: [], kept: {}, deferred: [] });
    const result = await dropExpiredPartitions(client, deliveries, nextPeriod(week, 'week'), async (c, partition) =>
      (await c.query(`INSERT INTO webhook_deliveries SELECT * FROM ${partition} WHERE status = 'pending'`)).rowCount ?? 0,
    );
    expect(result.dropped).toContain(name);
    expect(result.kept).toEqual({ [name]: 1 });
    expect(await partitionOf('webhook_deliveries', pending)).toBe('webhook_deliveries_p_default');
    expect(await partitionOf('webhook_deliveries', done)).toBeUndefined();
    expect((await listPartitions(client, 'webhook_deliveries')).map((p) => p.name)).not.toContain(name);
  });

  it('leaves a partition it cannot lock in time for the next run, and the reader that held it is not disturbed', async () => {
    const events = spec('events');
    const reader = new pg.Client({ connectionString: db.url });
    await reader.connect();
    try {
      await reader.query('BEGIN');
      await reader.query('SELECT count(*) FROM events');
      const started = Date.now();
      const result = await dropExpiredPartitions(client, events, new Date(now.getTime() + 100 * WEEK));
      expect(result.dropped).toEqual([]);
      expect(result.deferred).toHaveLength(1);
      expect(Date.now() - started).toBeGreaterThanOrEqual(2_900); // waited its lock timeout (3 s) once, then gave up
      await reader.query('COMMIT');
    } finally {
      await reader.end();
    }
  });
});
