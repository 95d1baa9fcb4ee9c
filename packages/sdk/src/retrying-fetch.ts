/**
 * A fetch that retries what is safe to retry: GET and HEAD, and Herald's sends (POST /v1/messages,
 * /v1/messages/batch, /v1/messages/raw), which get one Idempotency-Key per call (the caller's, or one
 * made here) reused on every attempt, so Herald answers a retry of a send it already committed with the
 * first message and never sends twice. Retried: network errors, 408, 429 and 5xx, after Retry-After
 * when Herald sends one, else exponential backoff with full jitter. Other 4xx answers come back at once.
 */

export interface RetryOptions {
  /** Attempts after the first (default 3; 0 turns retries off). */
  retries?: number;
  /** The first backoff in ms (default 500); it doubles each time, up to maxDelayMs. */
  baseDelayMs?: number;
  /** The longest wait between attempts, Retry-After included (default 30 000 ms); a longer Retry-After is not waited for. */
  maxDelayMs?: number;
}

export interface RetryDeps {
  fetch: (request: Request) => Promise<Response>;
  /** Waits ms (replaced in unit tests). */
  sleep?: (ms: number) => Promise<void>;
  /** A random number in [0, 1) for jitter (replaced in unit tests). */
  random?: () => number;
  /** A new idempotency key (replaced in unit tests). */
  newKey?: () => string;
  /** The clock, for Retry-After given as a date (replaced in unit tests). */
  now?: () => number;
}

/** Sends whose Idempotency-Key makes a retry safe. */
const SENDS = /^\/v1\/messages(\/batch|\/raw)?\/?$/;

const RETRY_STATUSES = new Set([408, 429, 500, 502, 503, 504]);

/** Whether a request may be sent again, and whether it is a send that needs an Idempotency-Key. */
export function retryKind(method: string, pathname: string): 'safe' | 'send' | null {
  if (method === 'GET' || method === 'HEAD') return 'safe';
  if (method === 'POST' && SENDS.test(pathname)) return 'send';
  return null;
}

/** The wait Retry-After asks for, in ms (seconds or an HTTP date), or null when absent or unreadable. */
export function retryAfterMs(value: string | null, now: number): number | null {
  if (value === null || value.trim() === '') return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

export function retryingFetch(options: RetryOptions, deps: RetryDeps): (request: Request) => Promise<Response> {
  const retries = options.retries ?? 3;
  const base = options.baseDelayMs ?? 500;
  const max = options.maxDelayMs ?? 30_000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const random = deps.random ?? Math.random;
  const now = deps.now ?? Date.now;
  const newKey = deps.newKey ?? (() => crypto.randomUUID());

  return async (request: Request) => {
    const kind = retryKind(request.method, new URL(request.url).pathname);
    if (kind === null || retries === 0) return deps.fetch(request);
    if (kind === 'send' && !request.headers.has('idempotency-key')) {
      // once per call: every attempt below carries this key
      const headers = new Headers(request.headers);
      headers.set('idempotency-key', newKey());
      request = new Request(request, { headers });
    }
    // the body is read once, so each attempt can send it again
    const body = kind === 'send' ? await request.arrayBuffer() : null;
    const attempt = () => deps.fetch(body === null ? request.clone() : new Request(request.url, { method: request.method, headers: request.headers, body, signal: request.signal }));

    for (let n = 0; ; n++) {
      const backoff = Math.round(random() * Math.min(max, base * 2 ** n));
      let response: Response;
      try {
        response = await attempt();
      } catch (err) {
        // an abort is the caller's decision, not a fault to retry
        if (n >= retries || request.signal.aborted) throw err;
        await sleep(backoff);
        continue;
      }
      if (n >= retries || !RETRY_STATUSES.has(response.status)) return response;
      const asked = retryAfterMs(response.headers.get('retry-after'), now());
      if (asked !== null && asked > max) return response;
      await response.body?.cancel();
      await sleep(asked ?? backoff);
    }
  };
}
