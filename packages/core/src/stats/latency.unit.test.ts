import { describe, expect, it } from 'vitest';
import { latencyPercentiles } from './latency.ts';

describe('delivery latency percentiles from power-of-two buckets', () => {
  it('answers nothing without deliveries', () => {
    expect(latencyPercentiles([])).toEqual({ p50_ms: null, p95_ms: null });
    expect(latencyPercentiles([{ bucket: 3, count: 0 }])).toEqual({ p50_ms: null, p95_ms: null });
  });

  it('spreads a bucket evenly over its interval: [2^(b-1), 2^b) seconds, bucket 0 under a second', () => {
    // 100 deliveries in bucket 3 (4-8 s): the median is half way, 6 s; the 95th at 7.8 s
    expect(latencyPercentiles([{ bucket: 3, count: 100 }])).toEqual({ p50_ms: 6_000, p95_ms: 7_800 });
    expect(latencyPercentiles([{ bucket: 0, count: 10 }])).toEqual({ p50_ms: 500, p95_ms: 950 });
  });

  it('finds each percentile in the bucket where it falls, in bucket order whatever the input order', () => {
    const buckets = [{ bucket: 10, count: 10 }, { bucket: 1, count: 90 }];
    const { p50_ms, p95_ms } = latencyPercentiles(buckets);
    expect(p50_ms).toBeGreaterThanOrEqual(1_000);
    expect(p50_ms).toBeLessThan(2_000);
    expect(p95_ms).toBeGreaterThanOrEqual(512_000);
    expect(p95_ms).toBeLessThan(1_024_000);
  });
});
