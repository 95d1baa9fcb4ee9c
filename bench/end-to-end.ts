import { sendBatches, type AcceptTarget } from './accept.ts';
import { percentile } from './percentile.ts';
import type { Sink } from './sink-client.ts';

export interface EndToEndResult {
  messages: number;
  /** Messages delivered per second, from the first accept to the last arrival at the MX. */
  messagesPerSecond: number;
  /** Accept (202) to arrival at the MX, in ms. */
  p50: number;
  p99: number;
  max: number;
  /** Arrivals without a DKIM-Signature, cut short, or not matching a message accepted. */
  unsigned: number;
  broken: number;
  missing: number;
  duplicates: number;
}

/** Accepts `messages` over the batch API with the workers running, and waits until the MX has them all. */
export async function measureEndToEnd(
  target: AcceptTarget,
  sink: Sink,
  options: { messages: number; batch: number; timeoutMs: number; first?: number; make?: (from: string, i: number) => Record<string, unknown> },
): Promise<EndToEndResult> {
  const since = await sink.count();
  const started = Date.now();
  const { accepted } = await sendBatches(target, {
    calls: Math.ceil(options.messages / options.batch),
    size: options.batch,
    parallel: 2,
    first: options.first ?? 1_000_000,
    make: options.make,
  });
  const deadline = Date.now() + options.timeoutMs;
  while ((await sink.count()) - since < accepted.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 200));
  const arrivals = await sink.arrivals(since);
  const acceptedAt = new Map(accepted.map((a) => [a.id, a.at]));
  const seen = new Set<string>();
  const latencies: number[] = [];
  let duplicates = 0;
  let last = started;
  for (const arrival of arrivals) {
    const at = acceptedAt.get(arrival.id);
    if (at === undefined) continue;
    if (seen.has(arrival.id)) duplicates++;
    seen.add(arrival.id);
    latencies.push(arrival.at - at);
    last = Math.max(last, arrival.at);
  }
  latencies.sort((a, b) => a - b);
  return {
    messages: accepted.length,
    messagesPerSecond: Math.round(seen.size / ((last - started) / 1_000)),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    max: latencies[latencies.length - 1] ?? 0,
    unsigned: arrivals.filter((a) => !a.signed).length,
    broken: arrivals.filter((a) => !a.whole).length,
    missing: accepted.length - seen.size,
    duplicates,
  };
}
