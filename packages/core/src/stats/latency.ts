/**
 * Percentiles of delivery latency from the rollups' buckets: bucket 0 holds deliveries under a second,
 * bucket b ≥ 1 those in [2^(b-1), 2^b) seconds. Within the bucket where a percentile falls, the
 * deliveries are taken as spread evenly, so the answer is exact to within that bucket (a factor of 2
 * at worst, usually much closer).
 */
export function latencyPercentiles(buckets: readonly { bucket: number; count: number }[]): { p50_ms: number | null; p95_ms: number | null } {
  const sorted = [...buckets].filter((b) => b.count > 0).sort((a, b) => a.bucket - b.bucket);
  const total = sorted.reduce((n, b) => n + b.count, 0);
  if (total === 0) return { p50_ms: null, p95_ms: null };
  return { p50_ms: percentile(sorted, total, 0.5), p95_ms: percentile(sorted, total, 0.95) };
}

function percentile(sorted: readonly { bucket: number; count: number }[], total: number, q: number): number {
  const rank = q * total;
  let below = 0;
  for (const { bucket, count } of sorted) {
    if (below + count >= rank) {
      const low = bucket === 0 ? 0 : 2 ** (bucket - 1);
      const high = bucket === 0 ? 1 : 2 ** bucket;
      return Math.round((low + ((rank - below) / count) * (high - low)) * 1000);
    }
    below += count;
  }
  const last = sorted[sorted.length - 1] as { bucket: number };
  return 2 ** last.bucket * 1000;
}
