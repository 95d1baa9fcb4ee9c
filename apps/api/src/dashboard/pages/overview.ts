import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { statsView } from '../../schemas/stats.ts';
import { callApi, query } from '../call-api.ts';
import { pageScope, sendPage } from '../context.ts';
import { html, type Html } from '../views/html.ts';
import { layout, notice } from '../views/layout.ts';

type Stats = z.infer<typeof statsView>;
const SERIES = ['accepted', 'delivered', 'bounced', 'complained'] as const;

function chartData(stats: Stats) {
  const labels = stats.series.map((p) => p.start.slice(0, 10));
  return {
    labels,
    series: {
      accepted: stats.series.map((p) => p.accepted),
      delivered: stats.series.map((p) => p.delivered),
      bounced: stats.series.map((p) => p.bounced_hard + p.bounced_soft),
      complained: stats.series.map((p) => p.complained),
    },
  };
}

function ms(value: number | null): string {
  if (value === null) return '—';
  return value < 1000 ? `${value} ms` : `${(value / 1000).toFixed(1)} s`;
}

function section(title: string, stats: Stats): Html {
  const t = stats.totals;
  const data = chartData(stats);
  return html`<section class="period" aria-labelledby="h-${title.replace(/\W/g, '')}">
<h2 id="h-${title.replace(/\W/g, '')}">${title}</h2>
<dl class="totals">
  <div><dt>Accepted</dt><dd>${t.accepted}</dd></div>
  <div><dt>Delivered</dt><dd>${t.delivered}</dd></div>
  <div><dt>Bounced</dt><dd>${t.bounced_hard + t.bounced_soft}</dd></div>
  <div><dt>Complained</dt><dd>${t.complained}</dd></div>
  <div><dt>Latency p50</dt><dd>${ms(stats.latency.p50_ms)}</dd></div>
  <div><dt>Latency p95</dt><dd>${ms(stats.latency.p95_ms)}</dd></div>
</dl>
<div class="chart"><canvas data-chart="${JSON.stringify(data)}" role="img" aria-label="${title}: messages per day"></canvas></div>
<details><summary>Numbers per day</summary>
<table><thead><tr><th scope="col">Day</th>${SERIES.map((s) => html`<th scope="col">${s}</th>`)}</tr></thead><tbody>
${data.labels.map((label, i) => html`<tr><td>${label}</td>${SERIES.map((s) => html`<td>${data.series[s][i]}</td>`)}</tr>`)}
</tbody></table></details>
</section>`;
}

/** The overview: the last 7 and 30 days from GET /v1/stats. */
export function overviewPage() {
  return async (app: FastifyInstance) => {
    app.get('/', { preHandler: pageScope('messages:read') }, async (request, reply) => {
      const { principal, viewer } = request.dashboard;
      if (!principal) return;
      const now = new Date();
      const daysAgo = (n: number) => new Date(now.getTime() - n * 86_400_000).toISOString();
      const [week, month] = await Promise.all(
        [7, 30].map((days) => callApi<Stats>(app, principal, 'GET', `/v1/stats${query({ from: daysAgo(days), to: now.toISOString(), granularity: 'day' })}`)),
      );
      const failed = [week, month].find((a) => a && a.status !== 200);
      const body =
        failed || !week || !month
          ? notice('error', failed?.error?.message ?? 'The statistics could not be read.')
          : html`${section('Last 7 days', week.body)}${section('Last 30 days', month.body)}`;
      return sendPage(reply, layout(viewer, { title: 'Overview', current: '/dashboard', body, scripts: ['/dashboard/assets/chart.umd.js'] }));
    });
  };
}
