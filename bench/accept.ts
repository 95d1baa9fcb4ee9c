import autocannon from 'autocannon';
import { message } from './messages.ts';

export interface AcceptTarget {
  apiUrl: string;
  apiKey: string;
  from: string;
}

export interface SingleAcceptResult {
  /** Requests per second answered 202 at the fixed concurrency. */
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** POST /v1/messages with autocannon, as fast as `connections` allow (the steady offered rate is bench/open-loop.ts). */
export async function measureSingleAccept(target: AcceptTarget, options: { connections: number; seconds: number }): Promise<SingleAcceptResult> {
  let n = 0;
  const flat = await autocannon({
    url: `${target.apiUrl}/v1/messages`,
    method: 'POST',
    headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
    duration: options.seconds,
    requests: [{ setupRequest: (request) => ({ ...request, body: JSON.stringify(message(target.from, n++)) }) }],
    connections: options.connections,
  });
  return { rps: Math.round(flat['2xx'] / flat.duration), p50: flat.latency.p50, p99: flat.latency.p99, errors: flat.errors + flat.non2xx + flat.timeouts };
}

export interface BatchAcceptResult {
  messagesPerSecond: number;
  calls: number;
  /** Each accepted message's id and when its 202 arrived. */
  accepted: { id: string; at: number }[];
}

/** POST /v1/messages/batch, `calls` calls of `size` messages (`make`, default the plain benchmark message), `parallel` at a time. */
export async function sendBatches(
  target: AcceptTarget,
  options: { calls: number; size: number; parallel: number; first?: number; make?: (from: string, i: number) => Record<string, unknown> },
): Promise<BatchAcceptResult> {
  const accepted: { id: string; at: number }[] = [];
  let next = 0;
  const started = performance.now();
  const lane = async () => {
    while (next < options.calls) {
      const call = next++;
      const base = (options.first ?? 0) + call * options.size;
      const make = options.make ?? message;
      const body = JSON.stringify({ messages: Array.from({ length: options.size }, (_, i) => make(target.from, base + i)) });
      const response = await fetch(`${target.apiUrl}/v1/messages/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target.apiKey}`, 'content-type': 'application/json' },
        body,
      });
      if (response.status !== 202) throw new Error(`batch answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
      const at = Date.now();
      for (const m of ((await response.json()) as { data: { id: string }[] }).data) accepted.push({ id: m.id, at });
    }
  };
  await Promise.all(Array.from({ length: options.parallel }, lane));
  const seconds = (performance.now() - started) / 1_000;
  return { messagesPerSecond: Math.round(accepted.length / seconds), calls: options.calls, accepted };
}
