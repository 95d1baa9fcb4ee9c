import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveNotification, deriveFeedbackKeys } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { TEST_MASTER_KEY } from '@herald/test/support/env.ts';
import { deliveredMessage, dsnFor } from '@herald/test/support/feedback.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

/** The notification a late bounce was learned from, shown with the event that names it. */
describe('GET /v1/messages/{id}/reports/{report_id}', () => {
  let api: TestApi;
  let a: TestProject;
  let b: TestProject;
  let messageId: string;
  let reportId: string;
  const keys = deriveFeedbackKeys(Buffer.from(TEST_MASTER_KEY, 'base64'));

  beforeAll(async () => {
    api = await buildTestApi();
    [a, b] = await Promise.all([seedProject(api.db, 'report-a'), seedProject(api.db, 'report-b')]);
    const m = await deliveredMessage(api.db, a, ['late@example.org'], api.store);
    messageId = m.id;
    const result = await receiveNotification(
      { store: api.store, verpKeys: [keys.verp] },
      { raw: Buffer.from(dsnFor('late@example.org')), mailFrom: '', rcptTo: 'bounces+x@bounces.herald.test', address: { kind: 'bounce', subject: { kind: 'recipient', id: m.recipient('late@example.org').id } } },
    );
    reportId = result.reportId;
  });
  afterAll(() => api?.close());

  const get = (url: string, headers = a.auth) => api.app.inject({ method: 'GET', url, headers });

  it("names the report on the message's bounce event, and answers it with its summary and raw text", async () => {
    const events = (await get(`/v1/messages/${messageId}/events`)).json<{ data: { type: string; report_id: string | null }[] }>().data;
    expect(events.find((e) => e.type === 'bounced')?.report_id).toBe(reportId);
    expect(events.find((e) => e.type === 'queued')?.report_id).toBeNull();

    const response = await get(`/v1/messages/${messageId}/reports/${reportId}`);
    expect(response.statusCode).toBe(200);
    const body = response.json<Record<string, unknown>>();
    expect(body).toMatchObject({
      id: reportId,
      message_id: messageId,
      kind: 'dsn',
      envelope: { mail_from: '', rcpt_to: 'bounces+x@bounces.herald.test' },
      summary: {
        subject: 'Undelivered Mail Returned to Sender',
        reporting_mta: 'mx.example.org',
        recipients: [{ address: 'late@example.org', action: 'failed', status: '5.1.1', remote_mta: 'mail.example.net' }],
        feedback_type: null,
        reason: null,
      },
    });
    expect(body.raw).toBe(dsnFor('late@example.org'));
  });

  it("answers 404 for another project's message, an unknown report, and a report asked under another message", async () => {
    const other = await deliveredMessage(api.db, a, ['other@example.org'], api.store);
    for (const [url, headers] of [
      [`/v1/messages/${messageId}/reports/${reportId}`, b.auth],
      [`/v1/messages/${messageId}/reports/rpt_01JE0A1B2C3D4E5F6G7H8J9K0M`, a.auth],
      [`/v1/messages/${other.id}/reports/${reportId}`, a.auth],
    ] as const) {
      const response = await get(url, headers);
      expect(response.statusCode, url).toBe(404);
      expect(response.json<{ error: { code: string } }>().error.code).toBe('not_found');
    }
  });

  it('answers 403 to a key without messages:read, and 400 naming the field for an overlong report id', async () => {
    const sendOnly = await createScopedKey(api.db, a.id, ['messages:send']);
    expect((await get(`/v1/messages/${messageId}/reports/${reportId}`, sendOnly)).statusCode).toBe(403);
    const long = await get(`/v1/messages/${messageId}/reports/${'r'.repeat(101)}`);
    expect(long.statusCode).toBe(400);
    expect(long.json<{ error: { code: string } }>().error.code).toBe('validation_failed');
  });
});
