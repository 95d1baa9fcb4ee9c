import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';

describe('POST /v1/messages with an attachment of many megabytes', () => {
  let api: TestApi;
  let project: TestProject;

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'large-attachment');
  });
  afterAll(() => api.close());

  const send = (content: string) =>
    api.app.inject({
      method: 'POST',
      url: '/v1/messages',
      headers: project.auth,
      payload: { from: `news@${project.domain}`, to: 'ann@example.org', subject: 'Large', text: 'see attached', attachments: [{ filename: 'data.bin', content }] },
    });

  it('accepts 16 MB under the default 25 MB limit (the base64 check does not overflow the stack)', async () => {
    const content = randomBytes(16 * 2 ** 20).toString('base64');
    const response = await send(content);
    expect(response.statusCode).toBe(202);
    const stored = await api.db.messageContent.findUniqueOrThrow({ where: { id: response.json<{ id: string }>().id } });
    expect(stored.raw.length).toBeGreaterThan(content.length);
  });

  it('refuses one character that is not base64 deep inside it, naming the field', async () => {
    const content = randomBytes(12 * 2 ** 20).toString('base64');
    const response = await send(`${content.slice(0, 8_000_000)}!${content.slice(8_000_001)}`);
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({ error: { code: 'validation_failed', details: [{ field: 'attachments.0.content' }] } });
  });
});
