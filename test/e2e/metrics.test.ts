import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '@herald/test/support/herald-process.ts';
import { startHeraldStack, type HeraldStack } from '@herald/test/support/herald-stack.ts';
import { promtool, sampleValue } from '@herald/test/support/promtool.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';

/**
 * /metrics on every process, as an operator runs them (`herald start api|worker|smtp`), scraped after
 * a message went through the API and another through SMTP to the test MX: the counters moved, the
 * token is required, no label carries an address or an id, and promtool accepts every scrape.
 */
describe('Prometheus metrics on every process', () => {
  let stack: HeraldStack;
  let endpoints: Record<'api' | 'worker' | 'smtp', string>;

  beforeAll(async () => {
    const [workerPort, smtpPort] = [await freePort(), await freePort()];
    stack = await startHeraldStack({
      label: 'metrics',
      smtp: true,
      env: { HERALD_METRICS_TOKEN: TOKEN, HERALD_WORKER_HEALTH_PORT: workerPort, HERALD_SMTP_HEALTH_PORT: smtpPort },
    });
    endpoints = {
      api: `${stack.apiUrl}/metrics`,
      worker: `http://127.0.0.1:${workerPort}/metrics`,
      smtp: `http://127.0.0.1:${smtpPort}/metrics`,
    };
  }, 180_000);
  afterAll(() => stack?.stop());

  const scrape = async (url: string) => {
    const response = await fetch(url, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return response.text();
  };

  it('counts a message from acceptance to delivery, where each step happens', async () => {
    const recipient = `reader@${stack.recipientDomain}`;
    const sent = await stack.send({ from: `hello@${stack.senderDomain}`, to: recipient, subject: 'Counted', text: 'Hello.' });
    expect(sent.status).toBe(202);
    const { id } = (await sent.json()) as { id: string };
    await stack.waitForStatus(id, 'delivered');
    await stack.getMessage(id);

    const api = await waitFor('the API to see Postgres', async () => {
      const text = await scrape(endpoints.api);
      return sampleValue(text, 'herald_dependency_up', { dependency: 'postgres' }) === 1 ? text : null;
    });
    expect(sampleValue(api, 'herald_messages_accepted_total', { source: 'api' })).toBe(1);
    expect(sampleValue(api, 'herald_recipients_accepted_total', { source: 'api' })).toBe(1);
    expect(sampleValue(api, 'herald_http_request_duration_seconds_count', { method: 'POST', route: '/v1/messages', status: '202' })).toBe(1);
    // the route template, never the URL asked for
    expect(sampleValue(api, 'herald_http_request_duration_seconds_count', { method: 'GET', route: '/v1/messages/:id', status: '200' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(api, 'herald_db_group_size_count', { writer: 'intake-commits' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(api, 'herald_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(api, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    const worker = await waitFor('the worker to count the delivery', async () => {
      const text = await scrape(endpoints.worker);
      const counted = sampleValue(text, 'herald_delivery_attempts_total', { outcome: 'delivered', category: 'none' }) === 1;
      return counted && sampleValue(text, 'herald_dependency_up', { dependency: 'redis' }) === 1 ? text : null;
    });
    const destination = `mx1.${stack.recipientDomain}`;
    expect(sampleValue(worker, 'herald_smtp_transaction_duration_seconds_count', { destination, tls: 'true' })).toBe(1);
    expect(sampleValue(worker, 'herald_dkim_sign_duration_seconds_count')).toBe(1);
    expect(sampleValue(worker, 'herald_dns_lookup_duration_seconds_count', { type: 'MX', result: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(worker, 'herald_db_group_size_count', { writer: 'outcomes' })).toBeGreaterThanOrEqual(1);
    for (const queue of ['delivery', 'delivery-batches']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) expect(sampleValue(worker, 'herald_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
    }
    expect(sampleValue(worker, 'herald_redis_maxmemory_policy', { policy: 'noeviction' })).toBe(1);
    expect(sampleValue(worker, 'herald_destinations_throttled')).toBe(0);
    // the one delivery has ended: no slot is held, none waited for, no large message held
    expect(sampleValue(worker, 'herald_worker_deliveries', { state: 'running' })).toBe(0);
    expect(sampleValue(worker, 'herald_worker_deliveries', { state: 'waiting' })).toBe(0);
    expect(sampleValue(worker, 'herald_worker_large_content_bytes')).toBe(0);

    for (const text of [api, worker]) {
      expect(text).not.toContain(recipient);
      expect(text).not.toContain(id);
    }
  });

  it('counts a message submitted over SMTP by its front end', async () => {
    const transport = nodemailer.createTransport({
      host: '127.0.0.1',
      port: stack.smtp?.port,
      secure: false,
      requireTLS: true,
      auth: { user: 'herald', pass: stack.apiKey },
      tls: { rejectUnauthorized: false },
    });
    await transport.sendMail({ from: `hello@${stack.senderDomain}`, to: `smtp-reader@${stack.recipientDomain}`, subject: 'Over SMTP', text: 'Hi.' });
    // the readiness checks behind herald_dependency_up are bounded (2 s each): a busy machine may miss one scrape
    const smtp = await waitFor('the SMTP listener to see Postgres', async () => {
      const text = await scrape(endpoints.smtp);
      return sampleValue(text, 'herald_dependency_up', { dependency: 'postgres' }) === 1 ? text : null;
    });
    expect(sampleValue(smtp, 'herald_messages_accepted_total', { source: 'smtp' })).toBe(1);
    expect(sampleValue(smtp, 'process_resident_memory_bytes')).toBeGreaterThan(0);
  });

  it('answers 401 with a Bearer challenge without the token or with a wrong one, on every process', async () => {
    for (const url of Object.values(endpoints)) {
      const none = await fetch(url);
      expect(none.status, url).toBe(401);
      expect(none.headers.get('www-authenticate')).toBe('Bearer realm="herald"');
      expect(await none.json()).toMatchObject({ error: { code: 'unauthorized' } });
      const wrong = await fetch(url, { headers: { authorization: `Bearer ${TOKEN.replace(/.$/, 'x')}` } });
      expect(wrong.status, url).toBe(401);
      expect(wrong.headers.get('www-authenticate')).toMatch(/^Bearer realm="herald", error="invalid_token"/);
      expect(await wrong.text()).not.toContain('herald_');
    }
  });

  it("passes promtool's checks on every process's output", async () => {
    for (const [name, url] of Object.entries(endpoints)) {
      const checked = await promtool(['check', 'metrics'], await scrape(url));
      expect(checked, `${name}: ${checked.output}`).toMatchObject({ code: 0 });
    }
  });
});
