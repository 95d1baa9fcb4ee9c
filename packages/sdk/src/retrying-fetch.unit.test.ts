import { describe, expect, it } from 'vitest';
import { retryAfterMs, retryingFetch, retryKind } from './retrying-fetch.ts';

/** A fake server: answers each attempt with the next of `script` (a status, or 'drop' for a network error), recording what it got. */
function fakeFetch(script: (number | 'drop' | { status: number; retryAfter: string })[]) {
  const seen: { method: string; url: string; key: string | null; body: string }[] = [];
  const fetch = async (request: Request) => {
    seen.push({ method: request.method, url: request.url, key: request.headers.get('idempotency-key'), body: await request.text() });
    const step = script[seen.length - 1] ?? 200;
    if (step === 'drop') throw new TypeError('fetch failed');
    const status = typeof step === 'number' ? step : step.status;
    const headers: Record<string, string> = typeof step === 'number' ? {} : { 'retry-after': step.retryAfter };
    return new Response(JSON.stringify({ attempt: seen.length }), { status, headers });
  };
  return { fetch, seen };
}

function harness(script: Parameters<typeof fakeFetch>[0], options = {}) {
  const server = fakeFetch(script);
  const waits: number[] = [];
  let keys = 0;
  const retrying = retryingFetch(options, {
    fetch: server.fetch,
    sleep: async (ms) => {
      waits.push(ms);
    },
    random: () => 0.5,
    newKey: () => `generated-${++keys}`,
    now: () => Date.parse('2026-12-04T10:00:00Z'),
  });
  return { retrying, waits, seen: server.seen };
}

const send = (init: RequestInit = {}) =>
  new Request('https://herald.test/v1/messages', { method: 'POST', body: JSON.stringify({ subject: 'Hi' }), ...init, headers: { 'content-type': 'application/json', ...init.headers } });

describe('retryingFetch', () => {
  it('retries a send after a network error and a 503 with one generated Idempotency-Key and the same body each time', async () => {
    const { retrying, waits, seen } = harness(['drop', 503, 202]);
    const response = await retrying(send());
    expect(response.status).toBe(202);
    expect(seen.map((s) => s.key)).toEqual(['generated-1', 'generated-1', 'generated-1']);
    expect(new Set(seen.map((s) => s.body))).toEqual(new Set(['{"subject":"Hi"}']));
    // full jitter (random 0.5) over 500 ms doubling
    expect(waits).toEqual([250, 500]);
  });

  it("keeps the caller's Idempotency-Key, and makes a new one for the next call", async () => {
    const { retrying, seen } = harness([500, 202, 202]);
    await retrying(send({ headers: { 'idempotency-key': 'order-42' } }));
    await retrying(new Request('https://herald.test/v1/messages/batch', { method: 'POST', body: '{}' }));
    expect(seen.map((s) => s.key)).toEqual(['order-42', 'order-42', 'generated-1']);
  });

  it('waits what Retry-After asks on a 429, in seconds or as a date, and gives up on a wait longer than maxDelayMs', async () => {
    const seconds = harness([{ status: 429, retryAfter: '7' }, { status: 429, retryAfter: 'Fri, 04 Dec 2026 10:00:03 GMT' }, 202]);
    expect((await seconds.retrying(send())).status).toBe(202);
    expect(seconds.waits).toEqual([7000, 3000]);

    const long = harness([{ status: 429, retryAfter: '120' }, 202]);
    expect((await long.retrying(send())).status).toBe(429);
    expect(long.seen).toHaveLength(1);
  });

  it('answers other 4xx at once, and gives the last answer (or error) once the retries are spent', async () => {
    const invalid = harness([400, 202]);
    expect((await invalid.retrying(send())).status).toBe(400);
    expect(invalid.seen).toHaveLength(1);

    const failing = harness([503, 503, 503, 503, 202]);
    expect((await failing.retrying(send())).status).toBe(503);
    expect(failing.waits).toEqual([250, 500, 1000]);

    const dropping = harness(['drop', 'drop', 'drop', 'drop']);
    await expect(dropping.retrying(send())).rejects.toThrow('fetch failed');
    expect(dropping.seen).toHaveLength(4);
    expect(dropping.waits).toEqual([250, 500, 1000]);
  });

  it('caps the backoff at maxDelayMs, and sends once with retries: 0', async () => {
    const capped = harness([500, 500, 500, 200], { baseDelayMs: 1000, maxDelayMs: 2500 });
    await capped.retrying(new Request('https://herald.test/v1/messages?limit=5'));
    expect(capped.waits).toEqual([500, 1000, 1250]);
    const off = harness([503, 202], { retries: 0 });
    expect((await off.retrying(send())).status).toBe(503);
    expect(off.seen.map((s) => s.key)).toEqual([null]);
  });

  it('never retries a request that is not a send nor a read, nor adds a key to it', async () => {
    const { retrying, seen } = harness([503, 200]);
    expect((await retrying(new Request('https://herald.test/v1/webhooks', { method: 'POST', body: '{}' }))).status).toBe(503);
    expect(seen).toEqual([expect.objectContaining({ key: null })]);
    expect([retryKind('POST', '/v1/messages/raw'), retryKind('POST', '/v1/messages/msg_1/cancel'), retryKind('DELETE', '/v1/suppressions/x'), retryKind('GET', '/v1/messages')]).toEqual(['send', null, null, 'safe']);
  });

  it('reads Retry-After as seconds or an HTTP date', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    expect([retryAfterMs('2', now), retryAfterMs('Fri, 04 Dec 2026 10:00:05 GMT', now), retryAfterMs('soon', now), retryAfterMs(null, now)]).toEqual([2000, 5000, null, null]);
  });
});
