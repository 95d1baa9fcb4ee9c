import type { AcceptTarget } from './accept.ts';
import { measureEndToEnd, type EndToEndResult } from './end-to-end.ts';
import { message, ONE_DOMAIN } from './messages.ts';
import type { Sink } from './sink-client.ts';

/**
 * Messages each newly started worker delivers before anything is measured (`BENCH_WARMUP`, default
 * 1,000; 0 measures workers cold). A fresh worker spends a fifth to a quarter of its CPU in V8's
 * optimizing compiler for its first seconds and about 8% still after 5,000 messages (perf, 2026-12-05):
 * a run that starts with fresh workers charges that once-per-process cost to its messages, and more
 * of it the more workers it starts. Herald's workers run for days.
 */
export const WARMUP_PER_WORKER = Number(process.env.BENCH_WARMUP ?? 1_000);

/**
 * Warms `workers` fresh workers: WARMUP_PER_WORKER messages each, half spread over the ten recipient
 * domains and half to the one destination (both paths of the session pool), each run checked like a
 * measured one. Answers the two runs (null when the warm-up is off), for the caller to report as the
 * cold start.
 */
export async function warmUp(target: AcceptTarget, sink: Sink, workers: number, first: number): Promise<{ ten: EndToEndResult; one: EndToEndResult } | null> {
  const half = Math.round((WARMUP_PER_WORKER * workers) / 2);
  if (half === 0) return null;
  // calls of at most 500, and no more messages than asked for when fewer (a call is never cut short)
  const batch = Math.min(500, half);
  const ten = await measureEndToEnd(target, sink, { messages: half, batch, timeoutMs: 300_000, first });
  const one = await measureEndToEnd(target, sink, {
    messages: half,
    batch,
    timeoutMs: 300_000,
    first: first + half,
    make: (from, i) => message(from, i, { to: `user${i}@${ONE_DOMAIN}` }),
  });
  const lost = ten.missing + ten.duplicates + one.missing + one.duplicates;
  if (lost > 0) throw new Error(`warm-up: ${ten.missing + one.missing} messages missing, ${ten.duplicates + one.duplicates} received twice`);
  return { ten, one };
}
