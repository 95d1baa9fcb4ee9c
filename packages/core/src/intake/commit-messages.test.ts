import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { sqlPool, type Db } from '../db/client.ts';
import { createDb } from '../db/orm.ts';
import { createStore, type Store } from '../db/store.ts';
import { newId } from '../ids.ts';
import { createLogger } from '../logger.ts';
import { commitMessages, type MessageDraft } from './commit-messages.ts';

/** Where a message's content is stored: a row of message_contents, in the same statement as the message. */
describe('commitMessages and message_contents', () => {
  let db: Db;
  let store: Store;
  let project: TestProject;
  const log = createLogger('test-commit', 'silent');
  const options = { maxMessageBytes: 30 * 1024 * 1024, fieldPrefix: () => '', source: 'api' };

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL);
    store = createStore(db);
    project = await seedProject(db, 'commit-contents');
  });
  afterAll(() => db.$disconnect());

  const sender = () => ({ projectId: project.id, apiKeyId: null, test: false });
  const deps = () => ({ store, enqueue: async () => {}, log });
  const draft = (raw: Buffer, id = newId('message')): MessageDraft => ({
    id, raw, from: { email: `app@${project.domain}` }, subject: 's', messageIdHeader: `${id}@${project.domain}`,
    recipients: [{ email: 'ann@one.example', kind: 'to' }], tags: [], metadata: {}, ownListUnsubscribe: false,
  });
  const content = async (id: string) => (await db.messageContent.findUnique({ where: { id } }))?.raw;

  it("stores each message's content byte for byte, also when many requests are committed in one statement", async () => {
    // sizes and bytes of every kind, committed at once so the group commit cuts them out of one parameter
    const raws = Array.from({ length: 24 }, (_, i) => randomBytes([0, 1, 77, 4096, 300_000][i % 5] as number));
    const drafts = raws.map((raw) => draft(raw));
    await Promise.all(drafts.map((d) => commitMessages(deps(), sender(), [d], options)));
    for (const d of drafts) {
      expect(Buffer.from((await content(d.id)) as Uint8Array).equals(d.raw), d.id).toBe(true);
      expect((await db.message.findUniqueOrThrow({ where: { id: d.id } })).rawSize).toBe(d.raw.length);
    }
  });

  it('stores neither the message nor its content, recipients or events when the commit fails', async () => {
    const taken = draft(Buffer.from('first'));
    await commitMessages(deps(), sender(), [taken], options);
    // a request of two messages whose second id is taken: the statement fails as a whole
    const fresh = draft(Buffer.from('never stored'));
    await expect(commitMessages(deps(), sender(), [fresh, draft(Buffer.from('again'), taken.id)], options)).rejects.toThrow();
    expect(await db.message.findUnique({ where: { id: fresh.id } })).toBeNull();
    expect(await content(fresh.id)).toBeUndefined();
    // no foreign key names the message (docs/partitioning.md#foreign-keys): its recipients and events
    // are not stored because they went in the same statement
    expect(await db.recipient.count({ where: { messageId: fresh.id } })).toBe(0);
    expect(await db.event.count({ where: { messageId: fresh.id } })).toBe(0);
    expect(Buffer.from((await content(taken.id)) as Uint8Array).toString()).toBe('first');
  });

  it("leaves the connection's plan settings as they were: its next statement plans as before", async () => {
    // one connection, so the statement after the commit runs where the commit ran
    const single = createDb(TEST_DATABASE_URL, { poolSize: 1 });
    try {
      const before = (await sqlPool(single).query<{ mode: string }>(`SELECT current_setting('plan_cache_mode') AS mode`)).rows[0]?.mode;
      const d = draft(Buffer.from('generic'));
      await commitMessages({ ...deps(), store: createStore(single) }, sender(), [d], options);
      expect(await single.message.findUnique({ where: { id: d.id } })).not.toBeNull();
      const after = (await sqlPool(single).query<{ mode: string }>(`SELECT current_setting('plan_cache_mode') AS mode`)).rows[0]?.mode;
      expect(before).toBe('auto');
      expect(after).toBe('auto');
    } finally {
      await single.$disconnect();
    }
  });
});
