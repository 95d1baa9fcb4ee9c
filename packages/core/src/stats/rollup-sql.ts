import { HARD_BOUNCE_CATEGORIES } from '../outcomes/outcome.ts';

/**
 * The shard this process adds its counts to: rollup rows are keyed by it too, so two processes
 * writing at once never wait on the same row's lock (within a process the group writers already
 * serialise writes). The statistics API sums the shards.
 */
export const STATS_SHARD = process.pid % 16;

/** The columns the events CTE must return for the rollups. */
export const ROLLUP_EVENT_COLUMNS = 'project_id, message_id, type, category, enhanced_code, smtp_reply, email, created_at';

/** Events that count as a recipient accepted by intake: each recipient gets exactly one of these. */
const ACCEPTED = `('queued', 'scheduled', 'suppressed')`;
const HARD = `(${[...HARD_BOUNCE_CATEGORIES].map((c) => `'${c}'`).join(', ')})`;
/** The lower bounds of the latency buckets 1 to 30, in seconds: 1, 2, 4 … 2^29. */
const LATENCY_BOUNDS = `{${Array.from({ length: 30 }, (_, i) => 2 ** i).join(',')}}`;

/**
 * The latency bucket of `seconds` (an SQL expression): 0 under a second, b for [2^(b-1), 2^b) seconds,
 * 30 from 2^29 s on, the buckets latency.ts reads. width_bucket compares exactly, as numeric, by a
 * binary search over the bounds; log(2.0, x) on numeric, used before, took about 6 µs a delivered
 * message (2026-12-06).
 */
export const latencyBucket = (seconds: string): string => `width_bucket((${seconds})::numeric, '${LATENCY_BOUNDS}'::numeric[])`;
/** Every event type a rollup counts; others (delays, auto-replies, domain events) add no row. */
const COUNTED = `('queued', 'scheduled', 'suppressed', 'delivered', 'deferred', 'bounced', 'failed', 'complained', 'unsubscribed')`;

/**
 * CTEs that add the events a statement inserted to the hourly rollups: `events` names a CTE of that
 * statement returning ROLLUP_EVENT_COLUMNS, `messages` a relation (the table, or a CTE of the same
 * statement returning id, domain_id, tags, created_at, send_at) holding their messages. Counted from
 * what was inserted — an event a re-run skipped (its dedupe key taken) adds nothing — so the rollups
 * agree with the events table. Rows are written in key order, so concurrent statements take their
 * locks in one order. Append to a WITH list: the text starts with a comma.
 */
export function rollupCtes(events: string, messages: string): string {
  const shard = String(STATS_SHARD);
  return `,
sx AS (
  SELECT e.project_id, date_trunc('hour', e.created_at) AS hour, coalesce(m.domain_id, '') AS domain_id, m.tags, e.type::text AS type,
         e.category, coalesce(e.enhanced_code, '') AS enhanced_code, e.smtp_reply, lower(split_part(e.email, '@', -1)) AS recipient_domain,
         extract(epoch FROM e.created_at - coalesce(m.send_at, m.created_at)) AS latency
  FROM ${events} e JOIN ${messages} m ON m.id = e.message_id
  WHERE e.type::text IN ${COUNTED}),
st AS (SELECT sx.*, g.tag FROM sx CROSS JOIN LATERAL (SELECT DISTINCT t FROM unnest(coalesce(sx.tags, '{}') || '{""}'::text[]) AS t) AS g(tag)),
s1 AS (
  INSERT INTO stats_hourly AS r (project_id, hour, domain_id, tag, shard, accepted, delivered, deferred, bounced_hard, bounced_soft, failed, complained, unsubscribed, suppressed)
  SELECT project_id, hour, domain_id, tag, ${shard},
         count(*) FILTER (WHERE type IN ${ACCEPTED}), count(*) FILTER (WHERE type = 'delivered'), count(*) FILTER (WHERE type = 'deferred'),
         count(*) FILTER (WHERE type = 'bounced' AND category IN ${HARD}), count(*) FILTER (WHERE type = 'bounced' AND category NOT IN ${HARD}),
         count(*) FILTER (WHERE type = 'failed'), count(*) FILTER (WHERE type = 'complained'), count(*) FILTER (WHERE type = 'unsubscribed'),
         count(*) FILTER (WHERE type = 'suppressed')
  FROM st GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, hour, domain_id, tag, shard) DO UPDATE SET
    accepted = r.accepted + excluded.accepted, delivered = r.delivered + excluded.delivered, deferred = r.deferred + excluded.deferred,
    bounced_hard = r.bounced_hard + excluded.bounced_hard, bounced_soft = r.bounced_soft + excluded.bounced_soft, failed = r.failed + excluded.failed,
    complained = r.complained + excluded.complained, unsubscribed = r.unsubscribed + excluded.unsubscribed, suppressed = r.suppressed + excluded.suppressed),
s2 AS (
  INSERT INTO stats_latency_hourly AS r (project_id, hour, domain_id, tag, shard, bucket, count)
  SELECT project_id, hour, domain_id, tag, ${shard}, b.bucket, count(*)
  FROM st CROSS JOIN LATERAL (SELECT ${latencyBucket('latency')}) AS b(bucket)
  WHERE type = 'delivered' GROUP BY 1, 2, 3, 4, 6 ORDER BY 1, 2, 3, 4, 6
  ON CONFLICT (project_id, hour, domain_id, tag, shard, bucket) DO UPDATE SET count = r.count + excluded.count),
s3 AS (
  INSERT INTO stats_recipient_domains_hourly AS r (project_id, hour, domain_id, recipient_domain, shard, accepted, delivered, deferred, bounced)
  SELECT project_id, hour, domain_id, recipient_domain, ${shard}, count(*) FILTER (WHERE type IN ${ACCEPTED}), count(*) FILTER (WHERE type = 'delivered'),
         count(*) FILTER (WHERE type = 'deferred'), count(*) FILTER (WHERE type IN ('bounced', 'failed'))
  FROM sx WHERE type IN ${ACCEPTED} OR type IN ('delivered', 'deferred', 'bounced', 'failed')
  GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
  ON CONFLICT (project_id, hour, domain_id, recipient_domain, shard) DO UPDATE SET
    accepted = r.accepted + excluded.accepted, delivered = r.delivered + excluded.delivered, deferred = r.deferred + excluded.deferred, bounced = r.bounced + excluded.bounced),
s4 AS (
  INSERT INTO stats_bounce_reasons_hourly AS r (project_id, hour, domain_id, category, enhanced_code, shard, count, sample_reply)
  SELECT project_id, hour, domain_id, coalesce(category, 'other'), enhanced_code, ${shard}, count(*), min(left(smtp_reply, 500))
  FROM sx WHERE type IN ('bounced', 'failed') GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
  ON CONFLICT (project_id, hour, domain_id, category, enhanced_code, shard) DO UPDATE SET
    count = r.count + excluded.count, sample_reply = coalesce(r.sample_reply, excluded.sample_reply))`;
}
