import { describe, expect, it } from 'vitest';
import { metricsAccessCheck } from './metrics-access.ts';
import { metrics, renderMetrics, startMetrics } from './registry.ts';

const TOKEN = 'metrics-token-0123456789abcdef0123456789';

describe('who may read /metrics', () => {
  it('with a token: only `Bearer <token>`; no token or a wrong one is 401 with a challenge', () => {
    const access = metricsAccessCheck({ env: 'production', metricsToken: TOKEN });
    expect(access(`Bearer ${TOKEN}`)).toEqual({ allowed: true });
    expect(access(`bearer   ${TOKEN} `)).toEqual({ allowed: true });
    expect(access(undefined)).toMatchObject({ allowed: false, status: 401, challenge: 'Bearer realm="herald"' });
    expect(access(`Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`)).toMatchObject({ status: 401 });
    expect(access(`Bearer ${TOKEN}x`)).toMatchObject({ status: 401, challenge: expect.stringContaining('error="invalid_token"') as unknown });
    expect(access(`Bearer ${TOKEN.slice(0, -1)}`)).toMatchObject({ status: 401 });
    // the token also holds in development
    expect(metricsAccessCheck({ env: 'development', metricsToken: TOKEN })(undefined)).toMatchObject({ status: 401 });
  });

  it('without a token: open in development, absent (404) elsewhere', () => {
    expect(metricsAccessCheck({ env: 'development' })(undefined)).toEqual({ allowed: true });
    for (const env of ['production', 'test']) {
      expect(metricsAccessCheck({ env })(undefined)).toMatchObject({ allowed: false, status: 404, code: 'not_found' });
      expect(metricsAccessCheck({ env })(`Bearer ${TOKEN}`)).toMatchObject({ status: 404 });
    }
  });

  it('with collection off (HERALD_METRICS=false): nothing is recorded and /metrics is absent, whatever the token', async () => {
    metrics().messagesAccepted.inc({ source: 'api' });
    expect((await renderMetrics()).body).toContain('herald_messages_accepted_total{source="api"} 1');
    startMetrics({ enabled: false, destinations: 50 });
    metrics().messagesAccepted.inc({ source: 'api' });
    metrics().httpRequestDuration.observe({ method: 'GET', route: '/healthz', status: '200' }, 0.01);
    expect((await renderMetrics()).body.trim()).toBe('');
    expect(metricsAccessCheck({ env: 'production', metricsToken: TOKEN })(`Bearer ${TOKEN}`)).toMatchObject({ status: 404 });
  });
});
