import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newId } from '@herald/core';
import { openApiDocument } from '../../apps/api/src/openapi/openapi-document.ts';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '../support/api-app.ts';

type Operation = { method: string; path: string };

/** A valid body for routes that need one, so validation passes and the id decides the answer. */
const BODIES: Record<string, object> = {
  '/v1/webhooks/{id}/replay': { since: '2020-01-01T00:00:00Z', until: '2030-01-01T00:00:00Z' },
  '/v1/domains/{id}': { unsubscribe_default: true },
};

/**
 * Project A's key, used with project B's ids on every route of the OpenAPI document that takes one,
 * gets 404 and changes nothing of B's; A's lists never show B's data. Routes are read from the
 * document, so a new route without a fixture here fails this test until one is added.
 */
describe('tenant isolation, route by route', () => {
  let api: TestApi;
  let a: TestProject;
  let b: TestProject;
  /** B's resources, by path parameter, by the resource the path is under. */
  const fixtures: Record<string, string> = {};
  let operations: Operation[];

  beforeAll(async () => {
    api = await buildTestApi();
    [a, b] = await Promise.all([seedProject(api.db, 'iso-a'), seedProject(api.db, 'iso-b')]);
    const send = (who: TestProject, sendAt?: string) =>
      api.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: who.auth,
        payload: { from: `x@${who.domain}`, to: 'shared@example.org', subject: 'private', text: 'B only', ...(sendAt ? { send_at: sendAt } : {}) },
      });
    await send(a);
    const bMessage = await send(b, new Date(Date.now() + 3_600_000).toISOString());
    fixtures['messages'] = bMessage.json<{ id: string }>().id;
    fixtures['report_id'] = newId('report');
    await api.db.feedbackReport.create({
      data: { id: fixtures['report_id'], projectId: b.id, messageId: fixtures['messages'], kind: 'dsn', mailFrom: '', rcptTo: 'bounces+b@b.example', size: 4, raw: new Uint8Array(Buffer.from('B!\r\n')) },
    });
    fixtures['domains'] = (await api.db.domain.findFirstOrThrow({ where: { projectId: b.id } })).id;
    fixtures['api-keys'] = b.apiKeyId;
    await api.app.inject({ method: 'POST', url: '/v1/suppressions', headers: b.auth, payload: { email: 'only-b@example.org' } });
    fixtures['suppressions'] = 'only-b@example.org';
    const webhook = await api.app.inject({ method: 'POST', url: '/v1/webhooks', headers: b.auth, payload: { url: 'https://b.example.com/hook', events: ['message.queued'] } });
    fixtures['webhooks'] = webhook.json<{ id: string }>().id;
    const test = await api.app.inject({ method: 'POST', url: `/v1/webhooks/${fixtures['webhooks']}/test`, headers: b.auth });
    fixtures['delivery_id'] = test.json<{ id: string }>().id;
    const template = await api.app.inject({ method: 'POST', url: '/v1/templates', headers: b.auth, payload: { name: 'B', alias: 'b-only-template', subject: 'B {{x}}', html: '<p>B</p>' } });
    fixtures['templates'] = template.json<{ id: string }>().id;
    const document = (await openApiDocument()) as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(document.paths)
      .filter(([path]) => path.startsWith('/v1/'))
      .flatMap(([path, item]) => Object.keys(item).filter((m) => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((method) => ({ method, path })));
  });
  afterAll(() => api.close());

  const resourceOf = (path: string) => path.split('/')[2] as string;

  it("answers 404 to project A's key on every route that takes one of project B's ids, and B's data is untouched", async () => {
    const withIds = operations.filter((op) => op.path.includes('{'));
    expect(withIds.length).toBeGreaterThanOrEqual(19);
    const unanswered: string[] = [];
    for (const op of withIds) {
      const fixture = fixtures[resourceOf(op.path)];
      if (!fixture) {
        unanswered.push(`${op.method.toUpperCase()} ${op.path}: no fixture for "${resourceOf(op.path)}" in this test`);
        continue;
      }
      // {id} and {email} are the resource the path is under; other parameters are named fixtures
      const url = op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(fixtures[name] ?? fixture));
      const response = await api.app.inject({ method: op.method.toUpperCase() as 'GET', url, headers: { ...a.auth, 'content-type': 'application/json' }, payload: op.method === 'get' || op.method === 'delete' ? undefined : JSON.stringify(BODIES[op.path] ?? {}) });
      if (response.statusCode !== 404) unanswered.push(`${op.method.toUpperCase()} ${url}: ${response.statusCode} ${response.body.slice(0, 120)}`);
    }
    expect(unanswered).toEqual([]);

    expect((await api.db.message.findUniqueOrThrow({ where: { id: fixtures['messages'] } })).status).toBe('scheduled');
    expect((await api.db.apiKey.findUniqueOrThrow({ where: { id: b.apiKeyId } })).revokedAt).toBeNull();
    expect(await api.db.domain.count({ where: { id: fixtures['domains'], unsubscribeDefault: false } })).toBe(1);
    expect(await api.db.dkimKey.count({ where: { domainId: fixtures['domains'], status: 'pending' } })).toBe(0);
    expect(await api.db.suppression.count({ where: { projectId: b.id, email: 'only-b@example.org' } })).toBe(1);
    const webhook = await api.db.webhookEndpoint.findUniqueOrThrow({ where: { id: fixtures['webhooks'] } });
    expect(webhook.url).toBe('https://b.example.com/hook');
    expect(webhook.previousSecretEncrypted).toBeNull();
    expect(await api.db.template.findUniqueOrThrow({ where: { id: fixtures['templates'] } })).toMatchObject({ latestVersion: 1, publishedVersion: 1 });
  });

  it("never shows project B's data in project A's lists", async () => {
    const lists = operations.filter((op) => op.method === 'get' && !op.path.includes('{'));
    expect(lists.map((op) => op.path).sort()).toEqual(['/v1/api-keys', '/v1/domains', '/v1/messages', '/v1/stats', '/v1/suppressions', '/v1/templates', '/v1/webhooks']);
    const bIds = [fixtures['messages'], fixtures['domains'], b.apiKeyId, b.domain, 'only-b@example.org', fixtures['webhooks'], 'b.example.com', fixtures['templates'], 'b-only-template'] as string[];
    for (const op of lists) {
      const response = await api.app.inject({ method: 'GET', url: op.path, headers: a.auth });
      expect(response.statusCode, op.path).toBe(200);
      for (const id of bIds) expect(response.body, `${op.path} shows ${id}`).not.toContain(id);
    }
  });
});
