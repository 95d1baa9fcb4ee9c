import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedProject, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_DATABASE_URL } from '@herald/test/support/env.ts';
import { testIntake, testPrincipal } from '@herald/test/support/intake.ts';
import type { Db } from '../db/client.ts';
import { createDb } from '../db/orm.ts';
import { createStore, type Store } from '../db/store.ts';
import type { SendRequest } from './send-request.ts';
import { submit, type IntakeRequest } from './submit.ts';

describe('submit and the messages it is given', () => {
  let db: Db;
  let store: Store;
  let project: TestProject;

  beforeAll(async () => {
    db = createDb(TEST_DATABASE_URL);
    store = createStore(db);
    project = await seedProject(db, 'submit-takes-over');
  });
  afterAll(() => db.$disconnect());

  const message = (text: string): SendRequest => ({
    from: { email: `app@${project.domain}` }, to: [{ email: 'ann@one.example' }], cc: [], bcc: [], replyTo: [],
    subject: 'Hi', text, headers: [], attachments: [], tags: [], metadata: {},
  });

  it("lets go of a request's messages once they are composed, and stores each as given", async () => {
    const texts = ['first text', 'second text'];
    const request: IntakeRequest = { kind: 'fields', messages: texts.map(message), batch: true };
    const given = request.messages;
    const { messages } = await submit(testIntake(store), testPrincipal(project.id), request, { fieldPrefix: (i) => `messages.${i}.`, source: 'api' });
    // the request no longer holds them (a batch's text is garbage before the commit's wait)
    expect(request.messages).toEqual([]);
    expect(given).toHaveLength(2);
    expect(messages).toHaveLength(2);
    for (const [i, accepted] of messages.entries()) {
      const content = await db.messageContent.findUniqueOrThrow({ where: { id: accepted.id } });
      expect(Buffer.from(content.raw).toString('latin1')).toContain(texts[i]);
    }
  });

  it('keeps the messages of a request it refuses before composing them', async () => {
    const request: IntakeRequest = { kind: 'fields', messages: [{ ...message('never sent'), tags: ['bad tag!'] }], batch: false };
    await expect(submit(testIntake(store), testPrincipal(project.id), request, { fieldPrefix: () => '', source: 'api' })).rejects.toThrow(/tags/);
    expect(request.messages).toHaveLength(1);
  });
});
