import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApi, countProjectRows, seedProject, type TestApi, type TestProject } from '@herald/test/support/api-app.ts';
import { createScopedKey } from '@herald/test/support/scoped-key.ts';

describe('rate limits and the daily quota, through the API', () => {
  let api: TestApi;
  let a: TestProject;
  let b: TestProject;

  beforeAll(async () => {
    api = await buildTestApi({ HERALD_RATE_LIMIT_PER_KEY: '2', HERALD_RATE_LIMIT_PER_PROJECT: '3' });
    [a, b] = await Promise.all([seedProject(api.db, 'rate-a'), seedProject(api.db, 'rate-b')]);
  });
  afterAll(() => api.close());

  const list = (auth: { authorization: string }) => api.app.inject({ method: 'GET', url: '/v1/suppressions', headers: auth });

  it('answers 429 with Retry-After and RateLimit headers once a key is over its rate', async () => {
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await list(a.auth));
    const codes = answers.map((r) => r.statusCode);
    expect(codes.slice(0, 4)).toEqual([200, 200, 200, 200]); // a burst of twice the rate
    expect(codes).toContain(429);
    const refused = answers.find((r) => r.statusCode === 429);
    expect(Number(refused?.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused?.headers['ratelimit-limit']).toBeDefined();
    expect(refused?.headers['ratelimit-remaining']).toBe('0');
    expect(refused?.json()).toMatchObject({ error: { code: 'rate_limited' } });
    expect(answers[0]?.headers['ratelimit-remaining']).toBeDefined();
  });

  it("limits a project's keys together, and one project's flood leaves another project's requests alone", async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_500)); // let the buckets refill
    const second = await createScopedKey(api.db, a.id, ['suppressions:manage']);
    const flood = await Promise.all(Array.from({ length: 12 }, (_, i) => list(i % 2 ? a.auth : second)));
    const refused = flood.filter((r) => r.statusCode === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(flood.filter((r) => r.statusCode === 200).length).toBeLessThanOrEqual(6); // the project's burst
    const projectRefusal = refused.find((r) => r.json<{ error: { message: string } }>().error.message.includes('project'));
    expect(projectRefusal).toBeDefined();
    const others = await Promise.all(Array.from({ length: 4 }, () => list(b.auth)));
    expect(others.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
  });

  it('counts recipients against the daily quota, refuses beyond it with 429 quota_exceeded, and does not count refusals or replays', async () => {
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    await api.db.project.update({ where: { id: b.id }, data: { dailyQuota: 3 } });
    // paced under the key's rate (2 a second): only the quota may refuse here
    const send = async (to: string[], headers: Record<string, string> = {}) => {
      await new Promise((resolve) => setTimeout(resolve, 550));
      return api.app.inject({
        method: 'POST',
        url: '/v1/messages',
        headers: { ...b.auth, ...headers },
        payload: { from: `x@${b.domain}`, to, subject: 'quota', text: 't' },
      });
    };
    const first = await send(['1@example.org', '2@example.org'], { 'idempotency-key': 'q-1' });
    expect(first.statusCode, first.body).toBe(202);
    expect((await send(['1@example.org', '2@example.org'], { 'idempotency-key': 'q-1' })).statusCode).toBe(202); // a replay: not counted
    const before = await countProjectRows(api.db, b.id);
    const over = await send(['3@example.org', '4@example.org']);
    expect(over.statusCode).toBe(429);
    expect(over.json()).toMatchObject({ error: { code: 'quota_exceeded', details: { limit: 3, used: 2 } } });
    expect(await countProjectRows(api.db, b.id)).toEqual(before);
    expect((await send(['3@example.org'])).statusCode).toBe(202);
    expect((await send(['4@example.org'])).statusCode).toBe(429);
  });
});
