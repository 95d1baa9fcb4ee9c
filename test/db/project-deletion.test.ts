import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitMessages, createLogger, createStore, newId, sqlPool, type Db, type MessageDraft, type Store } from '@herald/core';
import { createDb } from '@herald/core/db/orm';
import { countProjectRows, seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';

/**
 * Messages, recipients and events name their project (and a message its sending domain and API key)
 * without foreign keys: triggers on projects, domains and api_keys carry out what the keys' ON DELETE
 * did (prisma/migrations/20261206020000_project_rows_deleted_by_trigger, docs/partitioning.md).
 */
describe('deleting a project, a sending domain or an API key', () => {
  let db: Db;
  let store: Store;
  const log = createLogger('test-deletion', 'silent');
  const options = { maxMessageBytes: 1024 * 1024, fieldPrefix: () => '', source: 'api' };

  beforeAll(() => {
    db = createDb(TEST_DATABASE_URL);
    store = createStore(db);
  });
  afterAll(() => db.$disconnect());

  /** One message of `project`, sent with its key from its domain, to two recipients. */
  async function send(project: TestProject): Promise<string> {
    const id = newId('message');
    const draft: MessageDraft = {
      id, raw: Buffer.from(`Subject: s\r\n\r\n${id}\r\n`), from: { email: `app@${project.domain}` }, subject: 's', messageIdHeader: `${id}@${project.domain}`,
      recipients: [{ email: 'ann@one.example', kind: 'to' }, { email: 'bob@two.example', kind: 'to' }], tags: [], metadata: {}, ownListUnsubscribe: false,
    };
    await commitMessages({ store, enqueue: async () => {}, log }, { projectId: project.id, apiKeyId: project.apiKeyId, test: false }, [draft], options);
    return id;
  }

  it('keeps no foreign key from messages, recipients or events to projects, domains or API keys', async () => {
    const { rows } = await sqlPool(db).query<{ key: string }>(
      `SELECT conrelid::regclass::text || ' -> ' || confrelid::regclass::text AS key FROM pg_constraint
       WHERE contype = 'f' AND conrelid::regclass::text IN ('messages', 'recipients', 'events') AND conparentid = 0 ORDER BY 1`,
    );
    // an event of a domain (verified, failed) still names it, with ON DELETE SET NULL
    expect(rows.map((r) => r.key)).toEqual(['events -> domains']);
  });

  it("sets the messages' API key to null when the key is deleted, and their sending domain when the domain is", async () => {
    const project = await seedProject(db, 'deletion-key');
    const other = await seedProject(db, 'deletion-key-other');
    const [id, untouched] = [await send(project), await send(other)];
    await sqlPool(db).query('DELETE FROM api_keys WHERE id = $1', [project.apiKeyId]);
    const domain = await db.domain.findFirstOrThrow({ where: { projectId: project.id } });
    expect(await db.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ apiKeyId: null, domainId: domain.id });
    await db.domain.deleteMany({ where: { projectId: project.id } });
    expect(await db.message.findUniqueOrThrow({ where: { id } })).toMatchObject({ apiKeyId: null, domainId: null });
    const otherDomain = await db.domain.findFirstOrThrow({ where: { projectId: other.id } });
    expect(await db.message.findUniqueOrThrow({ where: { id: untouched } })).toMatchObject({ apiKeyId: other.apiKeyId, domainId: otherDomain.id });
  });

  it('deletes its messages, their content, recipients and events with a project, and nothing of another project', async () => {
    const project = await seedProject(db, 'deletion-project');
    const other = await seedProject(db, 'deletion-project-other');
    const [gone, kept] = [await send(project), await send(other)];
    expect(await countProjectRows(db, project.id)).toEqual({ messages: 1, recipients: 2, events: 2 });
    await db.project.delete({ where: { id: project.id } });
    expect(await countProjectRows(db, project.id)).toEqual({ messages: 0, recipients: 0, events: 0 });
    expect(await db.messageContent.findUnique({ where: { id: gone } })).toBeNull();
    expect(await countProjectRows(db, other.id)).toEqual({ messages: 1, recipients: 2, events: 2 });
    expect(await db.messageContent.findUnique({ where: { id: kept } })).not.toBeNull();
  });
});
