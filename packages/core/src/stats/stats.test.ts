import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sqlPool } from '../db/client.ts';
import { startDeliveryHarness, type DeliveryHarness } from '@herald/test/support/delivery-harness.ts';
import { startMxSink, type MxSink } from '@herald/test/support/mx-sink.ts';
import { pgPool } from '../db/client.ts';
import { rebuildStats } from './rebuild-stats.ts';
import { latencyBucket } from './rollup-sql.ts';
import { projectStats, type StatsCounts } from './stats-query.ts';

const HOUR = 3_600_000;

/**
 * The hourly rollups written in the same transactions as the events, read back by projectStats, and
 * compared with what the events table says: the two must always agree.
 */
describe('statistics from the hourly rollups', () => {
  let h: DeliveryHarness;
  let sink: MxSink;
  const start = new Date(Date.UTC(2026, 10, 2, 9, 0, 0));

  beforeAll(async () => {
    h = await startDeliveryHarness('stats');
    sink = await startMxSink({
      behaviour: {
        rcpt: (address) => {
          const local = address.split('@')[0];
          if (local === 'gone') return { code: 550, message: '5.1.1 <gone>: Recipient address rejected: User unknown' };
          if (local === 'refused') return { code: 550, message: '5.7.1 Message refused by local policy' };
          if (local === 'later') return { code: 451, message: '4.3.0 Try again later' };
          return undefined;
        },
      },
    });
    h.routeDomain('stats-a.test', sink.host);
    h.routeDomain('stats-b.test', sink.host);
    // two hours of traffic: deliveries, a hard and a soft bounce, a deferral, a suppressed recipient
    h.now = new Date(start.getTime() + 5 * 60_000);
    await h.db.suppression.create({ data: { id: `sup_stats_${Date.now()}`, projectId: h.projectId, email: 'blocked@stats-a.test', reason: 'manual' } });
    const first = await h.accept({ to: [{ email: 'ann@stats-a.test' }, { email: 'gone@stats-a.test' }, { email: 'blocked@stats-a.test' }], tags: ['welcome'] });
    const second = await h.accept({ to: [{ email: 'bob@stats-b.test' }, { email: 'refused@stats-b.test' }, { email: 'later@stats-b.test' }], tags: ['receipt'] });
    h.now = new Date(start.getTime() + 6 * 60_000);
    for (const job of [...first.jobs, ...second.jobs]) await h.deliver(job);
    h.now = new Date(start.getTime() + HOUR + 10 * 60_000);
    const third = await h.accept({ to: [{ email: 'cy@stats-a.test' }], tags: ['welcome', 'welcome'] });
    for (const job of third.jobs) await h.deliver(job);
  });
  afterAll(async () => {
    await h.close();
    await sink.close();
  });

  const zero: StatsCounts = { accepted: 0, delivered: 0, deferred: 0, bounced_hard: 0, bounced_soft: 0, failed: 0, complained: 0, unsubscribed: 0, suppressed: 0 };

  it('counts accepted recipients and each outcome per hour, and sums them over the range', async () => {
    const stats = await projectStats(h.db, { projectId: h.projectId, from: start, to: new Date(start.getTime() + 3 * HOUR), granularity: 'hour' });
    expect(stats.series).toEqual([
      { start, ...zero, accepted: 6, suppressed: 1, delivered: 2, bounced_hard: 1, bounced_soft: 1, deferred: 1 },
      { start: new Date(start.getTime() + HOUR), ...zero, accepted: 1, delivered: 1 },
    ]);
    expect(stats.totals).toEqual({ ...zero, accepted: 7, suppressed: 1, delivered: 3, bounced_hard: 1, bounced_soft: 1, deferred: 1 });
    const day = await projectStats(h.db, { projectId: h.projectId, from: new Date(Date.UTC(2026, 10, 2)), to: new Date(Date.UTC(2026, 10, 3)), granularity: 'day' });
    expect(day.series).toEqual([{ start: new Date(Date.UTC(2026, 10, 2)), ...stats.totals }]);
  });

  it('filters by tag (a tag given twice counts once) and by sending domain', async () => {
    const range = { projectId: h.projectId, from: start, to: new Date(start.getTime() + 3 * HOUR), granularity: 'hour' as const };
    expect((await projectStats(h.db, { ...range, tag: 'welcome' })).totals).toEqual({ ...zero, accepted: 4, suppressed: 1, delivered: 2, bounced_hard: 1 });
    expect((await projectStats(h.db, { ...range, tag: 'receipt' })).totals).toEqual({ ...zero, accepted: 3, delivered: 1, bounced_soft: 1, deferred: 1 });
    const domain = await h.db.domain.findFirstOrThrow({ where: { projectId: h.projectId } });
    expect((await projectStats(h.db, { ...range, domainId: domain.id })).totals.accepted).toBe(7);
    expect((await projectStats(h.db, { ...range, domainId: 'dom_none' })).totals).toEqual(zero);
  });

  it('gives delivery latency percentiles, the top bounce reasons and the recipient domains with their delivery rates', async () => {
    const stats = await projectStats(h.db, { projectId: h.projectId, from: start, to: new Date(start.getTime() + 3 * HOUR), granularity: 'hour' });
    // three deliveries, each a minute after acceptance: the 32-64 s bucket
    expect(stats.latency.delivered).toBe(3);
    expect(stats.latency.p50_ms).toBeGreaterThanOrEqual(32_000);
    expect(stats.latency.p95_ms).toBeLessThanOrEqual(64_000);
    expect(stats.top_bounce_reasons.map((r) => [r.category, r.enhanced_code, r.count])).toEqual([
      ['bad-mailbox', '5.1.1', 1],
      ['policy', '5.7.1', 1],
    ]);
    expect(stats.top_recipient_domains).toEqual([
      { domain: 'stats-a.test', accepted: 4, delivered: 2, deferred: 0, bounced: 1, delivery_rate: 0.6667 },
      { domain: 'stats-b.test', accepted: 3, delivered: 1, deferred: 1, bounced: 1, delivery_rate: 0.5 },
    ]);
  });

  it('agrees with the events table', async () => {
    const { rows } = await sqlPool(h.db).query<{ type: string; n: number }>(
      `SELECT type::text, count(*)::int AS n FROM events WHERE project_id = $1 GROUP BY 1`,
      [h.projectId],
    );
    const byType = Object.fromEntries(rows.map((r) => [r.type, r.n]));
    const stats = await projectStats(h.db, { projectId: h.projectId, from: new Date(0), to: new Date(Date.UTC(2100, 0)), granularity: 'day' });
    expect(stats.totals.accepted).toBe((byType.queued ?? 0) + (byType.scheduled ?? 0) + (byType.suppressed ?? 0));
    expect(stats.totals.delivered).toBe(byType.delivered ?? 0);
    expect(stats.totals.deferred).toBe(byType.deferred ?? 0);
    expect(stats.totals.bounced_hard + stats.totals.bounced_soft).toBe(byType.bounced ?? 0);
  });

  it('gives the same figures after the rollups are rebuilt from the events (herald stats rebuild)', async () => {
    const range = { projectId: h.projectId, from: start, to: new Date(start.getTime() + 3 * HOUR), granularity: 'hour' as const };
    const before = await projectStats(h.db, range);
    const connection = await pgPool(h.db).connect();
    try {
      await rebuildStats(connection, h.projectId);
    } finally {
      connection.release();
    }
    expect(await projectStats(h.db, range)).toEqual(before);
    expect(await projectStats(h.db, { ...range, tag: 'welcome' })).toEqual(await projectStats(h.db, { ...range, tag: 'welcome' }));
  });

  it('puts a latency in its power-of-two bucket exactly at the bounds: 0 under a second, b for [2^(b-1), 2^b) seconds, 30 from 2^29 s', async () => {
    const seconds = ['-3', '0', '0.999999', '1', '1.5', '2', '3.999999', '4', '60', '1023.999999', '1024', '536870911.999999', '536870912', '9999999999'];
    const { rows } = await sqlPool(h.db).query<{ bucket: number }>(`SELECT ${latencyBucket('x')} AS bucket FROM unnest($1::numeric[]) WITH ORDINALITY AS t(x, i) ORDER BY i`, [seconds]);
    expect(rows.map((r) => r.bucket)).toEqual([0, 0, 0, 1, 1, 2, 2, 3, 6, 10, 11, 29, 30, 30]);
  });
});
