import { measureSingleAccept, sendBatches, type AcceptTarget, type SingleAcceptResult } from './accept.ts';
import type { CpuMeter } from './cpu.ts';
import { measureEndToEnd, type EndToEndResult } from './end-to-end.ts';
import { oneDestinationMessage, templateMessage } from './messages.ts';
import type { CpuPhase } from './report.ts';
import type { Sink } from './sink-client.ts';

/**
 * Messages each newly started worker delivers before anything is measured (`BENCH_WARMUP`, default
 * 5,000; 0 measures workers cold). A fresh worker spends a fifth to a quarter of its CPU in V8's
 * optimizing compiler for its first seconds and about 8% still after 5,000 messages (perf, 2026-12-05):
 * a run that starts with fresh workers charges that once-per-process cost to its messages, and more
 * of it the more workers it starts. After 1,000 messages each (the default until 2026-12-07), the
 * first measured run still spent about 250 µs a message in the workers' background threads (V8's
 * compiler and marking) against about 100 in the runs after it, and a sixth more on the main thread.
 * Herald's workers run for days.
 */
export const WARMUP_PER_WORKER = Number(process.env.BENCH_WARMUP ?? 5_000);

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
    make: oneDestinationMessage,
  });
  const lost = ten.missing + ten.duplicates + one.missing + one.duplicates;
  if (lost > 0) throw new Error(`warm-up: ${ten.missing + one.missing} messages missing, ${ten.duplicates + one.duplicates} received twice`);
  return { ten, one };
}

/**
 * Seconds of single requests at 50 connections a fresh API serves before the accept phases are
 * measured, followed by API_WARMUP_CALLS batch calls and as many by template (`BENCH_API_WARMUP`,
 * default 10; 0 measures the API cold). A fresh API spends about twice as much CPU a request in its
 * first seconds (V8 compiling its request path; 2026-12-05: 817-1,048 µs a request in the first 5 s at
 * 50 connections, 297-352 µs from the 10th second on), and its batch path, first used by the batch
 * phase, about as much again in its first calls. Herald's API runs for days.
 */
export const API_WARMUP_SECONDS = Number(process.env.BENCH_API_WARMUP ?? 10);
export const API_WARMUP_CALLS = 10;

export interface ApiWarmUp {
  single: SingleAcceptResult;
  /** Messages accepted in plain batches (the templated calls are not counted). */
  batched: number;
  phases: { single: CpuPhase; batched: CpuPhase };
}

/**
 * Warms a fresh API on the paths the accept phases measure: single requests, plain batches, batches
 * by template (the template `templateMessage` names must exist). `meter` starts a CPU meter for each
 * part. Null when the warm-up is off.
 */
export async function warmUpApi(target: AcceptTarget, meter: () => CpuMeter, first: number): Promise<ApiWarmUp | null> {
  if (API_WARMUP_SECONDS <= 0) return null;
  let running = meter();
  const single = await measureSingleAccept(target, { connections: 50, seconds: API_WARMUP_SECONDS });
  const singleCpu = running.stop();
  running = meter();
  const plain = await sendBatches(target, { calls: API_WARMUP_CALLS, size: 500, parallel: 2, first });
  const batchCpu = running.stop();
  await sendBatches(target, { calls: API_WARMUP_CALLS, size: 500, parallel: 2, first: first + plain.accepted.length, make: templateMessage });
  return {
    single,
    batched: plain.accepted.length,
    phases: {
      single: { name: 'Warm-up: the first single requests of a fresh API, 50 connections (per request)', units: single.rps * API_WARMUP_SECONDS, seconds: singleCpu },
      batched: { name: 'Warm-up: the first batches of a fresh API (per message)', units: plain.accepted.length, seconds: batchCpu },
    },
  };
}
