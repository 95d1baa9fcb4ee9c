import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { promtool } from '@herald/test/support/promtool.ts';

const DEPLOY = fileURLToPath(new URL('../../deploy/prometheus/', import.meta.url));

/** deploy/prometheus as promtool reads it: the scrape configuration, the alerting rules and their unit tests. */
describe('the Prometheus deployment files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'herald-prometheus-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('prometheus.yml is a valid configuration that scrapes every Herald process with the metrics token', async () => {
    // promtool also checks that the token file exists: a copy points at one of its own
    cpSync(DEPLOY, dir, { recursive: true });
    writeFileSync(join(dir, 'token'), 'metrics-token-0123456789abcdef0123456789\n');
    const config = readFileSync(join(dir, 'prometheus.yml'), 'utf8');
    expect(config.match(/credentials_file: \/etc\/prometheus\/herald-metrics-token/g)).toHaveLength(4);
    for (const job of ['herald-api', 'herald-worker', 'herald-smtp', 'herald-inbound']) expect(config).toContain(`job_name: ${job}`);
    writeFileSync(join(dir, 'prometheus.yml'), config.replaceAll('/etc/prometheus/herald-metrics-token', join(dir, 'token')));
    const checked = await promtool(['check', 'config', join(dir, 'prometheus.yml')]);
    expect(checked, checked.output).toMatchObject({ code: 0 });
    expect(checked.output).toContain('SUCCESS: 1 rule files found');
  });

  it('alerts.yml holds valid rules for each failure the operations guide names', async () => {
    const checked = await promtool(['check', 'rules', join(DEPLOY, 'alerts.yml')]);
    expect(checked, checked.output).toMatchObject({ code: 0 });
    const rules = readFileSync(join(DEPLOY, 'alerts.yml'), 'utf8');
    for (const alert of ['HeraldQueueGrowing', 'HeraldDeliveriesFailing', 'HeraldWebhooksFailing', 'HeraldPostgresUnavailable', 'HeraldReadReplicaDown', 'HeraldRedisEvictionPolicy']) {
      expect(rules).toContain(`alert: ${alert}`);
    }
  });

  it('the alerts fire on the series they are written for, and not on healthy ones (promtool test rules)', async () => {
    const tested = await promtool(['test', 'rules', join(DEPLOY, 'alerts.test.yml')]);
    expect(tested, tested.output).toMatchObject({ code: 0 });
  });
});
