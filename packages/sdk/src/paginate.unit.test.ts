import { describe, expect, it } from 'vitest';
import { createHeraldClient } from './index.ts';

/** Pages of ids served by a fake Herald: `pages[n]` after cursor `c<n>`. */
function pagedFetch(pages: string[][], status = 200) {
  const asked: string[] = [];
  const fetch = async (request: Request) => {
    const url = new URL(request.url);
    asked.push(url.pathname + url.search);
    if (status !== 200) return new Response(JSON.stringify({ error: { code: 'unauthorized', message: 'no such key' } }), { status, headers: { 'content-type': 'application/json' } });
    const n = Number(url.searchParams.get('cursor')?.slice(1) ?? 0);
    const body = { data: (pages[n] ?? []).map((id) => ({ id })), next_cursor: n + 1 < pages.length ? `c${n + 1}` : null };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  };
  return { fetch, asked };
}

describe('paginate', () => {
  it("follows next_cursor until it is null, keeping the filters and the path's parameters", async () => {
    const server = pagedFetch([['a', 'b'], ['c', 'd'], ['e']]);
    const herald = createHeraldClient({ url: 'https://herald.test/', apiKey: 'hk_test_x', fetch: server.fetch });
    const ids: string[] = [];
    for await (const delivery of herald.paginate('/v1/webhooks/{id}/deliveries', { path: { id: 'wh_1' }, query: { status: 'failed', limit: 2 } })) ids.push(delivery.id);
    expect(ids).toEqual(['a', 'b', 'c', 'd', 'e']);
    // only cursor lists type-check (the generator below is never started)
    // @ts-expect-error /v1/domains answers every domain at once: no cursor
    void herald.paginate('/v1/domains');
    expect(server.asked).toEqual([
      '/v1/webhooks/wh_1/deliveries?status=failed&limit=2',
      '/v1/webhooks/wh_1/deliveries?status=failed&limit=2&cursor=c1',
      '/v1/webhooks/wh_1/deliveries?status=failed&limit=2&cursor=c2',
    ]);
  });

  it('stops after a page without next_cursor, and asks for no page the loop does not reach', async () => {
    const server = pagedFetch([['a', 'b'], ['c']]);
    const herald = createHeraldClient({ url: 'https://herald.test', apiKey: 'hk_test_x', fetch: server.fetch });
    for await (const message of herald.paginate('/v1/messages')) if (message.id === 'a') break;
    expect(server.asked).toEqual(['/v1/messages']);
  });

  it("throws Herald's error as a HeraldApiError", async () => {
    const herald = createHeraldClient({ url: 'https://herald.test', apiKey: 'hk_test_x', fetch: pagedFetch([], 401).fetch });
    await expect(herald.paginate('/v1/templates').next()).rejects.toMatchObject({ name: 'HeraldApiError', status: 401, code: 'unauthorized', message: 'unauthorized: no such key' });
  });
});
