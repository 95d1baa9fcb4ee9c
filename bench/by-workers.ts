import type { AcceptTarget } from './accept.ts';
import { measureEndToEnd } from './end-to-end.ts';
import type { BenchHerald } from './herald.ts';
import { message, ONE_DOMAIN } from './messages.ts';
import { warmUp } from './warm-up.ts';

export interface ByWorkersRow {
  workers: number;
  /** Delivered messages per second over the ten recipient domains, and to the one destination. */
  ten: number;
  one: number;
  /** Connections open at once to the one destination (the sink's count). */
  peak: number;
  /** Messages missing or received twice over both runs. */
  lost: number;
}

/**
 * The end-to-end runs again with 1, 2, 3… workers (the same Herald, API and database): `messages`
 * spread over the ten recipient domains, then as many to the one destination, for each count. The
 * workers running before are stopped first (their sessions closed), the new ones warmed (warm-up.ts),
 * and the sink's connection peak is read per count: the connection limit must hold however many
 * workers share it.
 */
export async function measureByWorkers(herald: BenchHerald, target: AcceptTarget, counts: number[], messages: number, first: number): Promise<ByWorkersRow[]> {
  const rows: ByWorkersRow[] = [];
  for (const [i, workers] of counts.entries()) {
    await herald.stopWorkers();
    await herald.startWorkers(workers);
    // each count's workers are warmed alike: a fresh worker's compiling would otherwise weigh more the more workers start
    await warmUp(target, herald.sink, workers, first + 1_000_000 + i * 100_000);
    const base = first + i * 2 * messages;
    const ten = await measureEndToEnd(target, herald.sink, { messages, batch: 500, timeoutMs: 300_000, first: base });
    // the one destination's MX host has an address of its own: its peak counts its connections alone
    await herald.sink.peakConnections(herald.sink.oneHost);
    const one = await measureEndToEnd(target, herald.sink, {
      messages,
      batch: 500,
      timeoutMs: 300_000,
      first: base + messages,
      make: (from, n) => message(from, n, { to: `user${n}@${ONE_DOMAIN}` }),
    });
    rows.push({ workers, ten: ten.messagesPerSecond, one: one.messagesPerSecond, peak: await herald.sink.peakConnections(herald.sink.oneHost), lost: ten.missing + ten.duplicates + one.missing + one.duplicates });
  }
  return rows;
}

/** The rows as a Markdown table. */
export function byWorkersTable(rows: ByWorkersRow[], messages: number, maxConnections: number): string {
  return [
    `| Workers | Ten destinations (msg/s, ${messages} messages) | One destination (msg/s, ${messages} messages) | Peak connections to the one (limit ${maxConnections}) | Missing or twice |`,
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.workers} | ${r.ten} | ${r.one} | ${r.peak} | ${r.lost} |`),
  ].join('\n');
}
