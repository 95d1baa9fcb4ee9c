import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { heraldEnv, uniquePrefix } from '@herald/test/support/env.ts';
import { freePort, startHerald, type HeraldProcess } from '@herald/test/support/herald-process.ts';
import { promtool, sampleValue } from '@herald/test/support/promtool.ts';
import { waitFor } from '@herald/test/support/wait-for.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';

/**
 * Several API processes share one port, so a scrape reaches any one of them: it must still count the
 * requests every process answered, or Prometheus would see counters jump back and forth.
 */
describe('/metrics with HERALD_API_PROCESSES', () => {
  let api: HeraldProcess;
  let url: string;
  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    api = await startHerald('api', heraldEnv({ HERALD_API_PORT: port, HERALD_API_PROCESSES: 3, HERALD_QUEUE_PREFIX: uniquePrefix('cm'), HERALD_METRICS_TOKEN: TOKEN }));
    // the cluster hands connections only to processes already listening: wait for all three
    await waitFor('three API processes listening', () => (api.output().match(/Server listening/g)?.length ?? 0) >= 3, 60_000);
  }, 180_000);
  afterAll(() => api?.stop());

  const healthzCount = async () => {
    // a fresh connection per scrape, so that each may reach another process
    const response = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}`, connection: 'close' } });
    expect(response.status, api.output().split('\n').filter((l) => l.includes('"level":50')).join('\n')).toBe(200);
    const text = await response.text();
    return { text, count: sampleValue(text, 'herald_http_request_duration_seconds_count', { method: 'GET', route: '/healthz', status: '200' }) ?? 0 };
  };

  it('answers every process’s requests together, whichever process the scrape reaches', async () => {
    const before = await healthzCount();
    for (let i = 0; i < 12; i++) expect((await fetch(`${url}/healthz`, { headers: { connection: 'close' } })).status).toBe(200);
    for (let i = 0; i < 4; i++) expect((await healthzCount()).count).toBe(before.count + 12);
    // summed gauges and histograms still make a valid exposition
    const checked = await promtool(['check', 'metrics'], before.text);
    expect(checked, checked.output).toMatchObject({ code: 0 });
  });
});
