import { Queue, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRedis, QUEUE_NAMES } from '@herald/core';
import { buildTestApi, type TestApi } from '@herald/test/support/api-app.ts';
import { TEST_REDIS_URL, uniquePrefix } from '@herald/test/support/env.ts';

const ADMIN = 'admin-token-0123456789abcdef0123456789abcdef';
const bearer = { authorization: `Bearer ${ADMIN}` };
const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`anyone:${password}`).toString('base64')}` });

interface QueuesAnswer {
  queues: { name: string; counts: Record<string, number>; jobs: { id: string; data: unknown; failedReason?: string }[] }[];
}

/** Bull Board on the API (/admin/queues): behind the admin token, read-only unless opted in, safe in a browser. */
describe('the queue board', () => {
  const redis = createRedis(TEST_REDIS_URL);
  const prefix = uniquePrefix('board');
  const queues = [new Queue(QUEUE_NAMES.delivery, { connection: redis, prefix }), new Queue(QUEUE_NAMES.batches, { connection: redis, prefix })];
  let readOnly: TestApi;
  let writable: TestApi;
  let closed: TestApi;

  /** A job that failed, as a delivery BullMQ gave up on. */
  const failJob = async () => {
    const worker = new Worker(QUEUE_NAMES.delivery, async () => { throw new Error('boom at the remote server'); }, { connection: createRedis(TEST_REDIS_URL), prefix });
    const failed = new Promise<void>((resolve) => worker.once('failed', () => resolve()));
    await (queues[0] as Queue).add('deliver', { messageId: 'msg_board', domain: 'example.test' }, { jobId: `msg_board.${Date.now()}` });
    await failed;
    await worker.close();
  };
  const failedCount = async () => (await (queues[0] as Queue).getJobCounts('failed')).failed;

  beforeAll(async () => {
    await failJob();
    readOnly = await buildTestApi({ HERALD_ADMIN_TOKEN: ADMIN }, { queueBoard: { queues } });
    writable = await buildTestApi({ HERALD_ADMIN_TOKEN: ADMIN, HERALD_QUEUE_BOARD_WRITABLE: 'true' }, { queueBoard: { queues } });
    closed = await buildTestApi({}, { queueBoard: { queues } });
  });
  afterAll(async () => {
    await Promise.all([readOnly?.close(), writable?.close(), closed?.close()]);
    for (const queue of queues) await queue.obliterate({ force: true });
    await Promise.all(queues.map((q) => q.close()));
    redis.disconnect();
  });

  it('answers 401 with a Basic challenge without the admin token or with a wrong one, and shows nothing', async () => {
    for (const url of ['/admin/queues', '/admin/queues/api/queues']) {
      const none = await readOnly.app.inject({ url });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Basic realm="Herald queues", charset="UTF-8"');
      expect(none.json()).toMatchObject({ error: { code: 'unauthorized' } });
      for (const headers of [basic('not-the-token'), { authorization: 'Bearer not-the-token' }, { authorization: 'Basic !!!' }]) {
        const wrong = await readOnly.app.inject({ url, headers });
        expect(wrong.statusCode).toBe(401);
        expect(wrong.body).not.toContain('msg_board');
      }
    }
  });

  it('does not exist without HERALD_ADMIN_TOKEN (404)', async () => {
    const response = await closed.app.inject({ url: '/admin/queues/api/queues', headers: bearer });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: { code: 'not_found' } });
  });

  it('with the token lists the queues with their counts, and a failed job with its data', async () => {
    const response = await readOnly.app.inject({ url: `/admin/queues/api/queues?activeQueue=${QUEUE_NAMES.delivery}&status=failed`, headers: bearer });
    expect(response.statusCode).toBe(200);
    const { queues: listed } = response.json<QueuesAnswer>();
    expect(listed.map((q) => q.name).sort()).toEqual([QUEUE_NAMES.delivery, QUEUE_NAMES.batches].sort());
    const delivery = listed.find((q) => q.name === QUEUE_NAMES.delivery);
    expect(delivery?.counts.failed).toBe(1);
    expect(delivery?.jobs[0]).toMatchObject({ data: { messageId: 'msg_board', domain: 'example.test' }, failedReason: 'boom at the remote server' });
  });

  it('serves the page to a browser presenting the token as a Basic password, under a strict CSP without inline script', async () => {
    const page = await readOnly.app.inject({ url: '/admin/queues', headers: basic(ADMIN) });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    // every script of the page is a file of the board's own
    for (const [, attributes] of page.body.matchAll(/<script([^>]*)>/g)) expect(attributes).toMatch(/src="static\/|type="application\/json"/);
  });

  it('read-only: refuses a retry (405) and the job stays failed', async () => {
    const retry = await readOnly.app.inject({ method: 'PUT', url: `/admin/queues/api/queues/${QUEUE_NAMES.delivery}/retry/failed`, headers: bearer });
    expect(retry.statusCode).toBe(405);
    expect(retry.json()).toMatchObject({ error: { code: 'method_not_allowed' } });
    expect(retry.body).toContain('HERALD_QUEUE_BOARD_WRITABLE');
    expect(await failedCount()).toBe(1);
  });

  it('writable: refuses a retry from another site (403 cross_site_request), and retries from the board itself', async () => {
    const url = `/admin/queues/api/queues/${QUEUE_NAMES.delivery}/retry/failed`;
    const forged = await writable.app.inject({ method: 'PUT', url, headers: { ...basic(ADMIN), 'sec-fetch-site': 'cross-site' } });
    expect(forged.statusCode).toBe(403);
    expect(forged.json()).toMatchObject({ error: { code: 'cross_site_request' } });
    const otherOrigin = await writable.app.inject({ method: 'PUT', url, headers: { ...basic(ADMIN), host: 'herald.example', origin: 'https://evil.example' } });
    expect(otherOrigin.statusCode).toBe(403);
    expect(await failedCount()).toBe(1);

    const retried = await writable.app.inject({ method: 'PUT', url, headers: { ...basic(ADMIN), 'sec-fetch-site': 'same-origin' } });
    expect(retried.statusCode).toBe(200);
    expect(await failedCount()).toBe(0);
  });

  it('answers bad input with a 4xx, never a 500', async () => {
    const queue = QUEUE_NAMES.delivery;
    for (const url of [
      `/admin/queues/api/queues?activeQueue=${queue}&status=bogus&page=abc&jobsPerPage=-5`,
      '/admin/queues/api/queues?activeQueue=%00',
      `/admin/queues/api/queues/no-such-queue/1`,
      `/admin/queues/api/queues/${queue}/no-such-job`,
      `/admin/queues/api/queues/${queue}/${'x'.repeat(5000)}`,
      '/admin/queues/static/../../../../etc/passwd',
    ]) {
      const response = await readOnly.app.inject({ url, headers: bearer });
      expect(response.statusCode, `${url}: ${response.body.slice(0, 200)}`).toBeLessThan(500);
    }
    const bogus = await writable.app.inject({ method: 'PUT', url: `/admin/queues/api/queues/${queue}/retry/bogus`, headers: bearer });
    expect(bogus.statusCode, bogus.body).toBeLessThan(500);
  });
});
