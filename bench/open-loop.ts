import { Agent, request } from 'node:http';
import type { AcceptTarget } from './accept.ts';
import { message } from './messages.ts';

export interface OpenLoopResult {
  offered: number;
  /** Requests answered 202 per second. */
  rps: number;
  /** From each request's scheduled time to its whole answer, in ms. */
  p50: number;
  p99: number;
  max: number;
  errors: number;
  /** Requests this generator sent more than 1 ms after their scheduled time (its own lag; counted in the latencies all the same). */
  late: number;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0;

/**
 * POST /v1/messages at a steady offered rate, open loop: request i is due at start + i / rate and is
 * sent then whether or not earlier ones have been answered (over as many keep-alive connections as
 * that takes), and its latency counts from when it was due, so a stall in the server is charged to
 * every request it delays. (autocannon's `overallRate` is a budget per connection per second: each of
 * its connections sends its share back to back at the top of every second and then waits, so what it
 * measures at "1,000 requests/s" is a burst at full concurrency every second.)
 */
export async function measureOpenLoop(target: AcceptTarget, options: { rate: number; seconds: number; first: number }): Promise<OpenLoopResult> {
  const total = Math.round(options.rate * options.seconds);
  // bodies made before the clock starts, so that making them costs the schedule nothing
  const bodies = Array.from({ length: total }, (_, i) => Buffer.from(JSON.stringify(message(target.from, options.first + i))));
  const url = new URL('/v1/messages', target.apiUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: 1_000 });
  const latencies: number[] = [];
  let errors = 0;
  let late = 0;
  const answered: Promise<void>[] = [];
  const send = (body: Buffer, due: number) =>
    new Promise<void>((resolve) => {
      const req = request(
        url,
        { method: 'POST', agent, headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json', 'content-length': body.length } },
        (res) => {
          res.resume();
          res.on('end', () => {
            if (res.statusCode === 202) latencies.push(performance.now() - due);
            else errors++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const interval = 1_000 / options.rate;
  const start = performance.now();
  for (let i = 0; i < total; ) {
    const now = performance.now();
    // every request now due goes out; then sleep until the next is
    for (; i < total && start + i * interval <= now; i++) {
      const due = start + i * interval;
      if (now - due > 1) late++;
      answered.push(send(bodies[i] as Buffer, due));
    }
    if (i < total) await new Promise((resolve) => setTimeout(resolve, Math.max(0, start + i * interval - performance.now())));
  }
  await Promise.all(answered);
  const seconds = (performance.now() - start) / 1_000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    offered: options.rate,
    rps: Math.round(latencies.length / seconds),
    p50: round(percentile(latencies, 50)),
    p99: round(percentile(latencies, 99)),
    max: round(latencies[latencies.length - 1] ?? 0),
    errors,
    late,
  };
}
