import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, newId } from '@herald/core';
import { buildTestApi, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

describe('GET /v1/stats', () => {
  let api: TestApi;
  let project: TestProject;
  let other: TestProject;

  const send = (to: string[], tags: string[]) =>
    api.app.inject({ method: 'POST', url: '/v1/messages', headers: project.auth, payload: { from: `app@${project.domain}`, to, subject: 'stats', text: 'x', tags } });
  const stats = (query: string, headers = project.auth) => api.app.inject({ method: 'GET', url: `/v1/stats${query}`, headers });

  beforeAll(async () => {
    api = await buildTestApi();
    project = await seedProject(api.db, 'stats-api');
    other = await seedProject(api.db, 'stats-other');
    expect((await send(['a@one.test', 'b@two.test'], ['welcome'])).statusCode).toBe(202);
    expect((await send(['c@one.test'], ['receipt'])).statusCode).toBe(202);
  });
  afterAll(() => api.close());

  it("answers the project's accepted recipients of the last 7 days by day, with the recipient domains, and nothing of another project's", async () => {
    const response = await stats('');
    expect(response.statusCode, response.body).toBe(200);
    const body = response.json<{ totals: { accepted: number }; series: { start: string; accepted: number }[]; granularity: string; top_recipient_domains: { domain: string; accepted: number }[] }>();
    expect(body.granularity).toBe('day');
    expect(body.totals.accepted).toBe(3);
    expect(body.series.reduce((n, p) => n + p.accepted, 0)).toBe(3);
    expect(body.top_recipient_domains.map((d) => [d.domain, d.accepted])).toEqual([['one.test', 2], ['two.test', 1]]);
    const theirs = await stats('', other.auth);
    expect(theirs.json<{ totals: { accepted: number } }>().totals.accepted).toBe(0);
  });

  it('filters by tag and by sending domain, named or by id', async () => {
    expect((await stats('?tag=welcome')).json<{ totals: { accepted: number } }>().totals.accepted).toBe(2);
    expect((await stats(`?domain=${project.domain.toUpperCase()}`)).json<{ totals: { accepted: number } }>().totals.accepted).toBe(3);
    const domain = await api.db.domain.findFirstOrThrow({ where: { projectId: project.id } });
    expect((await stats(`?domain=${domain.id}&granularity=hour`)).json<{ totals: { accepted: number } }>().totals.accepted).toBe(3);
    // another project's domain is not found
    expect((await stats(`?domain=${other.domain}`)).statusCode).toBe(404);
  });

  it('refuses a range that is empty or too long, naming the field', async () => {
    const backwards = await stats('?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z');
    expect([backwards.statusCode, backwards.json()]).toEqual([400, { error: { code: 'validation_failed', message: 'query.from: must be before to', details: [{ field: 'query.from', message: 'must be before to' }] } }]);
    const long = await stats('?from=2026-01-01T00:00:00Z&to=2026-03-01T00:00:00Z&granularity=hour');
    expect(long.statusCode).toBe(400);
    expect(long.json<{ error: { details: { field: string }[] } }>().error.details[0]?.field).toBe('query.from');
    expect((await stats('?granularity=week')).statusCode).toBe(400);
  });

  it('needs messages:read, and a key limited to some domains must name one of them', async () => {
    const sending = await createScopedKey(api.db, project.id, ['messages:send']);
    expect((await stats('', sending)).json()).toMatchObject({ error: { code: 'insufficient_scope' } });
    const key = generateApiKey('live');
    await api.db.apiKey.create({ data: { id: newId('apiKey'), projectId: project.id, name: 'limited', prefix: key.prefix, hash: key.hash, mode: key.mode, scopes: ['messages:read'], domains: [project.domain] } });
    const limited = { authorization: `Bearer ${key.key}` };
    expect((await stats('', limited)).json()).toMatchObject({ error: { code: 'insufficient_scope', details: [{ field: 'query.domain' }] } });
    expect((await stats(`?domain=${project.domain}`, limited)).statusCode).toBe(200);
  });
});
