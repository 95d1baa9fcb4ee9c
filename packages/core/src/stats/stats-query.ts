import { sqlPool, type Db } from '../db/client.ts';
import { prepared } from '../db/sql.ts';
import { latencyPercentiles } from './latency.ts';

export type Granularity = 'hour' | 'day';

export interface StatsFilter {
  projectId: string;
  /** Inclusive start and exclusive end, whole hours (UTC). */
  from: Date;
  to: Date;
  granularity: Granularity;
  /** Only messages sent from this sending domain. */
  domainId?: string | undefined;
  /** Only messages carrying this tag (counts and latency; recipient domains and bounce reasons are not kept by tag). */
  tag?: string | undefined;
}

/** Recipients counted in a period: accepted by intake, then each outcome event (a deferral is counted per attempt). */
export interface StatsCounts {
  accepted: number;
  delivered: number;
  deferred: number;
  bounced_hard: number;
  bounced_soft: number;
  failed: number;
  complained: number;
  unsubscribed: number;
  suppressed: number;
}

export interface StatsResult {
  totals: StatsCounts;
  series: ({ start: Date } & StatsCounts)[];
  /** Time from acceptance (or send_at) to delivered, from power-of-two buckets: a bucket's share is spread evenly over it. */
  latency: { delivered: number; p50_ms: number | null; p95_ms: number | null };
  top_bounce_reasons: { category: string; enhanced_code: string | null; count: number; sample_reply: string | null }[];
  top_recipient_domains: { domain: string; accepted: number; delivered: number; deferred: number; bounced: number; delivery_rate: number | null }[];
}

const COUNTS = ['accepted', 'delivered', 'deferred', 'bounced_hard', 'bounced_soft', 'failed', 'complained', 'unsubscribed', 'suppressed'] as const;
const SUMS = COUNTS.map((c) => `sum(${c})::int AS ${c}`).join(', ');

/** The rows of one project in the range, for the given filters: $1 project, $2 from, $3 to, $4 domain or null. */
const WHERE = `project_id = $1 AND hour >= $2 AND hour < $3 AND ($4::text IS NULL OR domain_id = $4)`;

const SERIES_SQL = `SELECT date_trunc($6, hour, 'UTC') AS start, ${SUMS}
  FROM stats_hourly WHERE ${WHERE} AND tag = $5 GROUP BY 1 ORDER BY 1`;
const LATENCY_SQL = `SELECT bucket, sum(count)::int AS count FROM stats_latency_hourly WHERE ${WHERE} AND tag = $5 GROUP BY 1`;
const REASONS_SQL = `SELECT category, enhanced_code, sum(count)::int AS count, min(sample_reply) AS sample_reply
  FROM stats_bounce_reasons_hourly WHERE ${WHERE} GROUP BY 1, 2 ORDER BY 3 DESC, 1, 2 LIMIT 10`;
const DOMAINS_SQL = `SELECT recipient_domain AS domain, sum(accepted)::int AS accepted, sum(delivered)::int AS delivered, sum(deferred)::int AS deferred,
    sum(bounced)::int AS bounced
  FROM stats_recipient_domains_hourly WHERE ${WHERE} GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 10`;

/**
 * A project's statistics over a range, from the hourly rollups (stats/rollup-sql.ts): four indexed
 * range scans of at most a few thousand rows, whatever the number of messages behind them.
 */
export async function projectStats(db: Db, filter: StatsFilter): Promise<StatsResult> {
  const sql = sqlPool(db);
  const base = [filter.projectId, filter.from, filter.to, filter.domainId ?? null];
  const tag = filter.tag ?? '';
  const [series, latency, reasons, domains] = await Promise.all([
    sql.query<{ start: Date } & StatsCounts>(prepared('stats-series', SERIES_SQL, [...base, tag, filter.granularity])),
    sql.query<{ bucket: number; count: number }>(prepared('stats-latency', LATENCY_SQL, [...base, tag])),
    sql.query<StatsResult['top_bounce_reasons'][number]>(prepared('stats-reasons', REASONS_SQL, base)),
    sql.query<Omit<StatsResult['top_recipient_domains'][number], 'delivery_rate'>>(prepared('stats-domains', DOMAINS_SQL, base)),
  ]);
  const totals = Object.fromEntries(COUNTS.map((c) => [c, series.rows.reduce((n, row) => n + row[c], 0)])) as unknown as StatsCounts;
  const buckets = latency.rows.map((r) => ({ bucket: r.bucket, count: r.count }));
  return {
    totals,
    series: series.rows,
    latency: { delivered: buckets.reduce((n, b) => n + b.count, 0), ...latencyPercentiles(buckets) },
    top_bounce_reasons: reasons.rows.map((r) => ({ ...r, enhanced_code: r.enhanced_code || null })),
    top_recipient_domains: domains.rows.map((d) => {
      const settled = d.delivered + d.bounced;
      return { ...d, delivery_rate: settled > 0 ? Math.round((d.delivered / settled) * 10_000) / 10_000 : null };
    }),
  };
}
