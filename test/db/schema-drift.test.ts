import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '@herald/core/db/migrate';
import { actualShape, diffShapes, expectedShape, type SchemaShape } from '../support/schema-shape.ts';
import { throwawayDatabase } from '../support/throwaway-database.ts';

const SCHEMA = readFileSync(new URL('../../prisma/schema.prisma', import.meta.url), 'utf8');

function report(differences: string[]): string {
  return `schema.prisma and the migrated database disagree (${differences.length}):\n${differences.map((d) => `  - ${d}`).join('\n')}`;
}

describe('schema.prisma and prisma/migrations describe the same database', () => {
  const db = throwawayDatabase('drift');
  let expected: SchemaShape;

  beforeAll(async () => {
    expected = expectedShape(SCHEMA);
    await migrate(db.url);
  });
  afterAll(() => db.drop());

  it('reads the expected shape from schema.prisma with Prisma Migrate conventions', () => {
    expect([...expected.tables.keys()].sort()).toEqual([
      'api_keys', 'dkim_keys', 'domains', 'events', 'feedback_reports', 'idempotency_keys', 'message_contents', 'messages', 'projects', 'recipients', 'stats_bounce_reasons_hourly',
      'stats_hourly', 'stats_latency_hourly', 'stats_recipient_domains_hourly', 'suppressions',
      'template_versions', 'templates', 'webhook_deliveries', 'webhook_endpoints',
    ]);
    expect(expected.enums.get('DkimKeyStatus')).toEqual(['pending', 'active', 'retiring', 'retired']);
    const apiKeys = expected.tables.get('api_keys');
    expect(apiKeys?.primaryKey).toEqual({ name: 'api_keys_pkey', columns: ['id'] });
    expect(apiKeys?.columns.get('scopes')).toEqual({ type: 'text[]', notNull: false, default: 'ARRAY[]' });
    expect(apiKeys?.columns.get('mode')).toEqual({ type: 'ApiKeyMode', notNull: true, default: "'live'" });
    expect(apiKeys?.columns.get('last_used_at')).toEqual({ type: 'timestamp(3) with time zone', notNull: false, default: null });
    expect(expected.tables.get('projects')?.columns.get('updated_at')?.default).toBe('CURRENT_TIMESTAMP');
    expect(expected.tables.get('messages')?.columns.get('metadata')).toEqual({ type: 'jsonb', notNull: true, default: "'{}'" });
    expect(expected.indexes.get('messages_project_id_created_at_id_idx')).toEqual({
      table: 'messages', unique: false, method: 'btree', columns: ['project_id', 'created_at DESC', 'id DESC'], where: null,
    });
    expect(expected.indexes.get('domains_project_id_name_key')?.unique).toBe(true);
    expect(expected.foreignKeys.get('events (domain_id)')).toEqual({
      name: 'events_domain_id_fkey', table: 'events', columns: ['domain_id'], refTable: 'domains', refColumns: ['id'],
      onDelete: 'SET NULL', onUpdate: 'CASCADE',
    });
  });

  it('a freshly migrated database has exactly the shape schema.prisma describes', async () => {
    const actual = await actualShape(db.url);
    expect(actual.tables.size).toBeGreaterThan(0);
    const differences = diffShapes(expected, actual);
    expect(differences, report(differences)).toEqual([]);
  });
});

describe('the drift check', () => {
  const db = throwawayDatabase('drift_probe');

  beforeAll(() => migrate(db.url));
  afterAll(() => db.drop());

  it('reports each way a migrated database can drift from schema.prisma, in both directions', async () => {
    await db.withClient(async (client) => {
      await client.query(`
        DROP INDEX "messages_message_id_header_idx";
        CREATE INDEX "recipients_domain_idx" ON "recipients" ("domain" DESC);
        ALTER TABLE "recipients" ADD COLUMN "note" TEXT;
        ALTER TABLE "domains" ALTER COLUMN "return_path_host" SET NOT NULL;
        ALTER TABLE "messages" ALTER COLUMN "subject" DROP DEFAULT;
        ALTER TABLE "messages" ALTER COLUMN "raw_size" TYPE BIGINT;
        ALTER TABLE "events" DROP COLUMN "mx_ip";
        ALTER TYPE "EventType" ADD VALUE 'opened';
        ALTER TABLE "events" DROP CONSTRAINT "events_domain_id_fkey";
        ALTER TABLE "events" ADD CONSTRAINT "events_domain_id_fkey" FOREIGN KEY ("domain_id")
          REFERENCES "domains"("id") ON DELETE CASCADE ON UPDATE CASCADE;
        ALTER TABLE "suppressions" ADD CONSTRAINT "suppressions_email_check" CHECK (email <> '');
        CREATE TABLE "stray" ("id" TEXT PRIMARY KEY);
        DROP TABLE "dkim_keys";
      `);
    });

    expect(diffShapes(expectedShape(SCHEMA), await actualShape(db.url))).toEqual([
      'enum EventType: schema.prisma has (queued, scheduled, delivered, deferred, bounced, failed, suppressed, complained, cancelled, domain_verified, domain_failed, webhook_disabled, delayed, unsubscribed, auto_reply, unrecognized_bounce), database has (queued, scheduled, delivered, deferred, bounced, failed, suppressed, complained, cancelled, domain_verified, domain_failed, webhook_disabled, delayed, unsubscribed, auto_reply, unrecognized_bounce, opened)',
      'missing in database: table dkim_keys (11 columns)',
      'column domains.return_path_host nullability: schema.prisma has NULL, database has NOT NULL',
      'missing in database: column events.mx_ip (text NULL)',
      'column messages.raw_size type: schema.prisma has integer, database has bigint',
      'column messages.subject default: schema.prisma has \'\', database has none',
      'not in schema.prisma: column recipients.note (text NULL)',
      'not in schema.prisma: table stray (1 columns)',
      'missing in database: index messages_message_id_header_idx on messages (INDEX messages_message_id_header_idx ON messages (message_id_header))',
      'not in schema.prisma: index recipients_domain_idx on recipients (INDEX recipients_domain_idx ON recipients (domain DESC))',
      'foreign key events (domain_id): schema.prisma has FOREIGN KEY events_domain_id_fkey ON events (domain_id) REFERENCES domains (id) ON DELETE SET NULL ON UPDATE CASCADE, database has FOREIGN KEY events_domain_id_fkey ON events (domain_id) REFERENCES domains (id) ON DELETE CASCADE ON UPDATE CASCADE',
      "not in schema.prisma: constraint suppressions.suppressions_email_check (CHECK ((email <> ''::text)))",
    ]);
  });
});
