import { cpSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { ulid } from 'ulid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, createStore, listPartitions, migrate, MIGRATIONS_DIR, recordOutcomes, type Db, type Store } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { applyRetention } from '../../apps/worker/src/maintenance/retention.ts';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '../support/api-app.ts';
import { throwawayDatabase } from '../support/throwaway-database.ts';

const PARTITION_MIGRATION = '20261205030000_partition_by_time';
const TABLES = ['messages', 'recipients', 'message_contents', 'events', 'webhook_deliveries'] as const;
const DAY = 86_400_000;

/**
 * A database that has sent mail for four months, upgraded to partitions by time: no row is lost or
 * changed, the old tables become partitions, and Herald goes on working on it (sending, Idempotency-Keys
 * used before the upgrade, outcomes written again for old messages, retention).
 */
describe('converting a populated database to partitions by time', () => {
  const database = throwawayDatabase('partition_upgrade');
  const before = mkdtempSync(join(tmpdir(), 'herald-migrations-'));
  let client: pg.Client;
  let db: Db;
  let project: TestProject;
  const old: { messageId: string; recipientId: string; email: string; status: 'delivered' | 'deferred'; key: string | null }[] = [];

  /** Each table's rows, counted and hashed whole in id order. */
  const fingerprint = async () => {
    const prints: Record<string, { n: number; sum: string }> = {};
    for (const table of [...TABLES, 'feedback_reports']) {
      prints[table] = (await client.query<{ n: number; sum: string }>(`SELECT count(*)::int AS n, md5(coalesce(string_agg(t::text, '|' ORDER BY t.id), '')) AS sum FROM ${table} t`)).rows[0] as { n: number; sum: string };
    }
    return prints;
  };

  beforeAll(async () => {
    for (const name of readdirSync(MIGRATIONS_DIR)) {
      if (name < PARTITION_MIGRATION || name === 'migration_lock.toml') cpSync(join(MIGRATIONS_DIR, name), join(before, name), { recursive: true });
    }
    await migrate(database.url, before);
    db = createDb(database.url, { poolSize: 4 });
    project = await seedProject(db, 'upgrade');
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
    await client.query(`INSERT INTO webhook_endpoints (id, project_id, url, secret_encrypted) VALUES ('wh_upgrade', $1, 'https://hooks.example/x', 'sealed')`, [project.id]);
    // 240 messages over the last 120 days, written as the Herald before partitioning wrote them: every
    // id in its own row's time, events with dedupe keys, a webhook delivery per delivered event
    for (let i = 0; i < 240; i++) {
      const at = Date.now() - 120 * DAY + i * (DAY / 2);
      const [messageId, recipientId] = [`msg_${ulid(at)}`, `rcpt_${ulid(at)}`];
      const status = i % 10 === 3 ? 'deferred' : 'delivered';
      const key = i % 8 === 0 ? `old-${i}` : null;
      const email = `user${i}@example.org`;
      old.push({ messageId, recipientId, email, status, key });
      const created = new Date(at);
      await client.query(
        `INSERT INTO messages (id, project_id, status, from_email, message_id_header, raw_size, idempotency_key, idempotency_hash, created_at, raw_purged_at)
         VALUES ($1, $2, $3, 'app@example.org', $1 || '@example.org', 5, $4, $5, $6, $7)`,
        [messageId, project.id, status === 'deferred' ? 'queued' : 'delivered', key, key && 'h', created, i < 40 ? new Date(at + 31 * DAY) : null],
      );
      if (i >= 40) await client.query(`INSERT INTO message_contents (id, raw) VALUES ($1, $2)`, [messageId, Buffer.from(`Subject: ${i}\r\n\r\nhello ${i}\r\n`)]);
      await client.query(
        `INSERT INTO recipients (id, message_id, project_id, email, domain, status, attempts, created_at) VALUES ($1, $2, $3, $4, 'example.org', $5, 1, $6)`,
        [recipientId, messageId, project.id, email, status, created],
      );
      const outcome = status === 'delivered' ? ['delivered', `delivered:${recipientId}`] : ['deferred', `attempt:${recipientId}:1`];
      const [queuedEvent, outcomeEvent] = [`evt_${ulid(at)}`, `evt_${ulid(at + 8_000)}`];
      await client.query(
        `INSERT INTO events (id, project_id, message_id, recipient_id, type, email, dedupe_key, created_at) VALUES
         ($1, $3, $4, $5, 'queued', $6, NULL, $7), ($2, $3, $4, $5, $8::"EventType", $6, $9, $7::timestamptz + interval '8 seconds')`,
        [queuedEvent, outcomeEvent, project.id, messageId, recipientId, email, created, outcome[0], outcome[1]],
      );
      await client.query(
        `INSERT INTO webhook_deliveries (id, endpoint_id, project_id, event_id, event_type, payload, status, created_at) VALUES ($1, 'wh_upgrade', $2, $3, 'message.' || $4, '{}', $5, $6)`,
        [`whd_${ulid(at + 8_000)}`, project.id, outcomeEvent, outcome[0], i % 50 === 7 ? 'pending' : 'succeeded', new Date(at + 8_000)],
      );
    }
  });
  afterAll(async () => {
    await client?.end();
    await db?.$disconnect();
    await database.drop();
    rmSync(before, { recursive: true, force: true });
  });

  it('keeps every row and every byte, and makes each old table the partition of the ids before it', async () => {
    const rowsBefore = await fingerprint();
    expect(rowsBefore.messages?.n).toBe(240);
    const result = await migrate(database.url);
    // the conversion first, then any migration written after it
    expect(result.applied[0]).toBe(PARTITION_MIGRATION);
    expect(result.applied.every((name) => name >= PARTITION_MIGRATION)).toBe(true);
    const rowsAfter = await fingerprint();
    // the same rows, but for the column the migration drops (messages.raw_purged_at)
    expect({ ...rowsAfter, messages: undefined }).toEqual({ ...rowsBefore, messages: undefined });
    const ids = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM messages');
    expect(ids.rows[0]?.n).toBe(240);

    for (const table of TABLES) {
      const kind = await client.query<{ relkind: string }>('SELECT relkind FROM pg_class WHERE oid = $1::regclass', [table]);
      expect(kind.rows[0]?.relkind, table).toBe('p');
      const partitions = await listPartitions(client, table);
      const legacy = partitions.find((p) => p.name === `${table}_p_legacy`);
      expect(legacy?.from, table).toBeNull();
      expect(partitions.some((p) => p.isDefault), table).toBe(true);
      expect(partitions.some((p) => p.from !== null && p.to !== null && p.from >= (legacy?.to as string)), `${table}: a partition after the old one`).toBe(true);
      // every old row is in the old table, now a partition
      const outside = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE tableoid <> '${table}_p_legacy'::regclass`);
      expect(outside.rows[0]?.n, table).toBe(0);
    }
    // the foreign keys name the partitioned tables: feedback_reports' message; those of the rows a message
    // is written with (its content, recipients and events) are gone, partition by partition too
    // (migration 20261206000000_drop_time_partitioned_foreign_keys)
    const keys = await client.query<{ owner: string; conname: string; target: string }>(
      `SELECT conrelid::regclass::text AS owner, conname, confrelid::regclass::text AS target FROM pg_constraint
       WHERE contype = 'f' AND (confrelid::regclass::text LIKE 'messages%' OR confrelid::regclass::text LIKE 'recipients%')
       ORDER BY owner, conname`,
    );
    expect(keys.rows.filter((k) => !k.owner.startsWith('feedback_reports'))).toEqual([]);
    expect(keys.rows.filter((k) => k.target === 'messages')).toEqual([{ owner: 'feedback_reports', conname: 'feedback_reports_message_id_fkey', target: 'messages' }]);
    // nor do they name their project, domain or API key, the old partitions included: triggers on those
    // tables do what the keys did on delete (migration 20261206020000_project_rows_deleted_by_trigger);
    // an event of a domain still names it
    const named = await client.query<{ owner: string; target: string }>(
      `SELECT DISTINCT c.relname::text AS owner, confrelid::regclass::text AS target FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid
       WHERE contype = 'f' AND confrelid::regclass::text IN ('projects', 'domains', 'api_keys')
         AND (c.relname LIKE 'messages%' OR c.relname LIKE 'recipients%' OR c.relname LIKE 'events%') ORDER BY 1, 2`,
    );
    expect(named.rows.every((k) => k.owner.startsWith('events') && k.target === 'domains'), JSON.stringify(named.rows)).toBe(true);
    expect(named.rows.map((k) => k.owner)).toContain('events_p_legacy');
    // the keys already used are claimed; the old unique indexes guard the old partitions
    const claimed = await client.query<{ key: string }>('SELECT key FROM idempotency_keys WHERE project_id = $1 ORDER BY key', [project.id]);
    expect(claimed.rows.map((r) => r.key)).toEqual(old.flatMap((m) => (m.key ? [m.key] : [])).sort());
    const legacyUnique = await client.query<{ indexname: string }>(
      `SELECT indexname FROM pg_indexes WHERE tablename LIKE '%\\_p\\_legacy' AND indexdef LIKE 'CREATE UNIQUE%' AND indexname NOT LIKE '%pkey%' ORDER BY 1`,
    );
    expect(legacyUnique.rows.map((r) => r.indexname)).toEqual([
      'events_dedupe_key_key_legacy', 'messages_project_id_idempotency_key_key_legacy', 'webhook_deliveries_endpoint_id_event_id_key_legacy',
    ]);
  });

  describe('then Herald on it', () => {
    let api: TestApi;
    let store: Store;
    beforeAll(async () => {
      api = await buildTestApi({ DATABASE_URL: database.url });
      store = createStore(db, { log: createLogger('test', 'silent') });
    });
    afterAll(() => api?.close());

    const send = (key: string, subject: string) =>
      api.app.inject({
        method: 'POST', url: '/v1/messages', headers: { ...project.auth, 'idempotency-key': key },
        payload: { from: `app@${project.domain}`, to: 'someone@example.org', subject, text: 'hello' },
      });

    it('sends, replays a new Idempotency-Key, and refuses one used before the upgrade for another request', async () => {
      const first = await send('after-upgrade', 'one');
      expect(first.statusCode, first.body).toBe(202);
      const again = await send('after-upgrade', 'one');
      expect(again.statusCode, again.body).toBe(202);
      expect(again.json<{ id: string }>().id).toBe(first.json<{ id: string }>().id);
      const oldKey = old.find((m) => m.key)?.key as string;
      const reused = await send(oldKey, 'another request');
      expect(reused.statusCode, reused.body).toBe(409);
      expect(reused.json<{ error: { code: string } }>().error.code).toBe('idempotency_conflict');
      const content = await api.app.inject({ method: 'GET', url: `/v1/messages/${first.json<{ id: string }>().id}/raw`, headers: project.auth });
      expect(content.statusCode).toBe(200);
      expect(content.body).toContain('Subject: one');
    });

    it('records an old message’s outcome once: a write run twice adds one event, one already recorded before the upgrade adds none', async () => {
      const events = (messageId: string) => db.event.count({ where: { messageId } });
      const attempt = { mxHost: 'mx.example.org', mxIp: '127.0.0.1', tls: null, durationMs: 5 };
      const deliver = (m: (typeof old)[number]) =>
        recordOutcomes(store, {
          message: { id: m.messageId, projectId: project.id, tags: [], metadata: {} },
          attempt,
          results: [{ recipient: { id: m.recipientId, email: m.email, attempts: 1 }, outcome: { kind: 'delivered', reply: { code: 250, enhanced: null, text: '250 ok' } } }],
          now: new Date(),
        });
      const deferred = old.find((m) => m.status === 'deferred') as (typeof old)[number];
      const delivered = old.find((m) => m.status === 'delivered') as (typeof old)[number];
      expect(await events(deferred.messageId)).toBe(2);
      await deliver(deferred);
      await deliver(deferred);
      expect(await events(deferred.messageId)).toBe(3);
      // its delivered event was written before the upgrade, with an id of its own time: the old partition's unique dedupe key holds it
      await deliver(delivered);
      expect(await events(delivered.messageId)).toBe(2);
    });

    it('drops the old tables of content, events and webhook deliveries once their retention is past, keeping what must stay', async () => {
      const later = new Date(Date.now() + 200 * DAY);
      const result = await applyRetention({ db, clock: () => later, log: createLogger('test', 'silent'), rawRetentionMs: 30 * DAY, eventRetentionMs: 90 * DAY, pauseMs: 0 });
      expect(result.partitionsDropped).toEqual(expect.arrayContaining(['message_contents_p_legacy', 'events_p_legacy', 'webhook_deliveries_p_legacy']));
      // messages and recipients are kept for good
      expect((await listPartitions(client, 'messages')).map((p) => p.name)).toContain('messages_p_legacy');
      expect(await db.message.count({ where: { projectId: project.id } })).toBe(241);
      // the content of the messages still being sent, and the pending webhooks, moved to the default partitions
      const waiting = old.filter((m) => m.status === 'deferred' && old.indexOf(m) >= 40);
      const kept = await client.query<{ id: string; p: string }>('SELECT id, tableoid::regclass::text AS p FROM message_contents WHERE id = ANY($1) ORDER BY id', [waiting.map((m) => m.messageId)]);
      expect(kept.rows.map((r) => r.p)).toEqual(waiting.map(() => 'message_contents_p_default'));
      const pending = await client.query<{ p: string }>(`SELECT tableoid::regclass::text AS p FROM webhook_deliveries WHERE status = 'pending'`);
      expect(pending.rows.length).toBeGreaterThan(0);
      expect(new Set(pending.rows.map((r) => r.p))).toEqual(new Set(['webhook_deliveries_p_default']));
    });
  });
});
