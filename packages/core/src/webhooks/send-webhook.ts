import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type LookupFunction, type Socket } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { DnsResolver } from '../dns/resolver.ts';
import { checkWebhookUrl, classifyAddress, isAllowedHost, refusalMessage, urlHost } from './address-policy.ts';
import { formatWebhookTimestamp, signPayload } from './secret.ts';

/**
 * One delivery attempt of one webhook: the only code that connects to a webhook URL. It checks the
 * URL, resolves the host with Herald's resolver, refuses non-public addresses (unless the host is
 * allowed), and connects to exactly the address it checked: the socket's lookup is pinned to that
 * address, so a DNS answer that changes afterwards (DNS rebinding) cannot redirect the connection,
 * and the socket's peer address is checked again once connected. It never throws: every outcome is
 * a WebhookAttempt value.
 */

export interface WebhookRequest {
  url: string;
  /** webhook-id: the event's id, the same on every retry. */
  id: string;
  /** webhook-timestamp: whole seconds since the epoch. */
  timestamp: number;
  /** The JSON body, sent and signed byte for byte. */
  body: string;
  /** The endpoint's secret, or its new and old secrets during a rotation. */
  secrets: readonly string[];
}

export interface SendWebhookOptions {
  resolver: DnsResolver;
  /** Plain http:// URLs are accepted (development only). */
  allowHttp: boolean;
  /** Host names or IP literals whose addresses may be private (named internal hosts; tests on loopback). */
  allowedHosts: readonly string[];
  /** One deadline for DNS, connect, TLS and the response headers (reading the body stops at it too, keeping the status). */
  timeoutMs: number;
  userAgent?: string;
  /** Wall clock in epoch milliseconds (durations, Retry-After dates); Date.now by default. */
  now?: () => number;
  /** Extra trusted CA certificates (PEM) for private PKIs and tests; the system's CAs otherwise. */
  ca?: string | readonly string[];
}

export type WebhookOutcome = 'delivered' | 'failed' | 'gone' | 'refused';

export interface WebhookAttempt {
  /** delivered: 2xx; gone: 410 (disable the endpoint); refused: not attempted (URL or address policy); failed: anything else. */
  outcome: WebhookOutcome;
  statusCode: number | null;
  durationMs: number;
  /** From a Retry-After header on a response that was not 2xx, clamped to [0, 24 h]. */
  retryAfterMs: number | null;
  error: string | null;
  /** The address connected to, or the one refused (also an IP-literal host); null when DNS or the URL failed first. */
  address: string | null;
}

export const DEFAULT_WEBHOOK_USER_AGENT = 'Herald-Webhooks/1';
/** How much of a response body is read (and discarded) before the connection is closed. */
export const MAX_WEBHOOK_RESPONSE_BYTES = 64 * 1024;
const MAX_RETRY_AFTER_MS = 24 * 60 * 60 * 1000;

type Result = Omit<WebhookAttempt, 'durationMs'>;

const failed = (error: string, address: string | null = null): Result => ({ outcome: 'failed', statusCode: null, retryAfterMs: null, error, address });

const refused = (error: string, address: string | null): Result => ({ outcome: 'refused', statusCode: null, retryAfterMs: null, error, address });

export async function sendWebhook(request: WebhookRequest, options: SendWebhookOptions): Promise<WebhookAttempt> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = new Deadline(options.timeoutMs);
  let result: Result;
  try {
    result = await attempt(request, options, deadline, now);
  } catch (err) {
    result = failed(errorText(err));
  } finally {
    deadline.clear();
  }
  return { ...result, durationMs: Math.max(0, now() - started) };
}

async function attempt(request: WebhookRequest, options: SendWebhookOptions, deadline: Deadline, now: () => number): Promise<Result> {
  const problem = checkWebhookUrl(request.url, options);
  if (problem) return refused(problem, literalAddress(request.url));
  const url = new URL(request.url);
  const host = urlHost(url);
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(request.body, 'utf8')),
    'webhook-id': request.id,
    'webhook-timestamp': formatWebhookTimestamp(request.timestamp),
    'webhook-signature': signPayload({ id: request.id, timestamp: request.timestamp, body: request.body, secrets: request.secrets }),
    'user-agent': options.userAgent ?? DEFAULT_WEBHOOK_USER_AGENT,
    host: url.host,
    connection: 'close',
  };

  const resolved = await deadline.race(resolveHost(host, options.resolver));
  if (resolved === TIMED_OUT) return failed(deadline.message);
  if ('error' in resolved) return failed(resolved.error);
  if (!isAllowedHost(host, options.allowedHosts)) {
    for (const address of resolved.addresses) {
      const reason = classifyAddress(address);
      if (reason !== 'public') return refused(`${host}: ${refusalMessage(address, reason)}`, address);
    }
  }
  const address = resolved.addresses[0] as string;

  const requestOptions: RequestOptions & { servername?: string; ca?: string | string[] } = {
    method: 'POST',
    host,
    port: url.port === '' ? undefined : Number(url.port),
    path: `${url.pathname}${url.search}`,
    headers,
    lookup: pinnedLookup(address),
    agent: false,
  };
  if (url.protocol === 'https:') {
    // SNI and the certificate check use the URL's host name; an IP literal is checked as such
    if (isIP(host) === 0) requestOptions.servername = host.replace(/\.$/, '');
    if (options.ca !== undefined) requestOptions.ca = typeof options.ca === 'string' ? options.ca : [...options.ca];
  }
  const response = await exchange(url.protocol === 'https:' ? httpsRequest : httpRequest, requestOptions, request.body, address, deadline);
  if ('error' in response) return response.refused ? refused(response.error, address) : failed(response.error, address);
  return judge(response.statusCode, response.headers, address, now);
}

/** The URL's host when it is an IP literal (the address a refused URL names), else null. */
function literalAddress(url: string): string | null {
  try {
    const host = urlHost(new URL(url));
    return isIP(host) !== 0 ? host : null;
  } catch {
    return null;
  }
}

/** A's addresses then AAAA's; an IP literal as it is. */
async function resolveHost(host: string, resolver: DnsResolver): Promise<{ addresses: string[] } | { error: string }> {
  if (isIP(host) !== 0) return { addresses: [host] };
  const [v4, v6] = await Promise.allSettled([resolver.resolve4(host), resolver.resolve6(host)]);
  const addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  if (addresses.length > 0) return { addresses };
  // a real failure (SERVFAIL, timeout) says more than the other family's "no such records"
  const reasons = [v4, v6].flatMap((r) => (r.status === 'rejected' ? [r.reason as unknown] : []));
  const telling = reasons.find((r) => !['ENODATA', 'ENOTFOUND'].includes(errorCode(r) ?? '')) ?? reasons[0];
  return { error: telling === undefined ? `${host} has no addresses` : `resolving ${host}: ${errorText(telling)}` };
}

/** A lookup that answers every question with the one address that was checked. */
function pinnedLookup(address: string): LookupFunction {
  const family = isIP(address);
  return (_hostname, options, callback) => {
    process.nextTick(() => {
      if (options.all) callback(null, [{ address, family }]);
      else callback(null, address, family);
    });
  };
}

type Exchange =
  | { statusCode: number; headers: IncomingMessage['headers'] }
  | { error: string; refused: boolean };

/**
 * Sends the request and waits for the response, reading (and dropping) at most 64 KiB of its body.
 * Settles once the socket is done with, so nothing is left running; the deadline after the response
 * headers only cuts the body short, the status stands.
 */
function exchange(
  send: typeof httpRequest,
  requestOptions: RequestOptions,
  body: string,
  address: string,
  deadline: Deadline,
): Promise<Exchange> {
  return new Promise<Exchange>((resolve) => {
    let settled = false;
    let response: Exchange | null = null;
    const finish = (value: Exchange) => {
      if (settled) return;
      settled = true;
      req?.destroy();
      resolve(value);
    };
    let req: ClientRequest | null = null;
    deadline.onExpiry(() => finish(response ?? { error: deadline.message, refused: false }));
    if (settled) return;
    req = send(requestOptions);
    req.on('socket', (socket: Socket) => {
      // second guard: the peer is the address that was checked, before any request byte is sent
      socket.once('connect', () => {
        if (!sameAddress(socket.remoteAddress, address)) {
          finish({ error: `connected to ${socket.remoteAddress ?? 'an unknown address'}, not the checked address ${address}`, refused: true });
        }
      });
    });
    req.on('error', (err) => finish(response ?? { error: errorText(err), refused: false }));
    req.on('response', (res) => {
      const headersOnly: Exchange = { statusCode: res.statusCode ?? 0, headers: res.headers };
      response = headersOnly;
      let received = 0;
      res.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received >= MAX_WEBHOOK_RESPONSE_BYTES) finish(headersOnly);
      });
      res.on('end', () => finish(headersOnly));
      res.on('close', () => finish(headersOnly));
      res.on('error', () => finish(headersOnly));
    });
    req.end(body);
  });
}

function judge(statusCode: number, headers: IncomingMessage['headers'], address: string, now: () => number): Result {
  if (statusCode >= 200 && statusCode < 300) {
    return { outcome: 'delivered', statusCode, retryAfterMs: null, error: null, address };
  }
  const retryAfterMs = parseRetryAfter(headers['retry-after'], now());
  if (statusCode === 410) return { outcome: 'gone', statusCode, retryAfterMs, error: 'the receiver answered 410 Gone', address };
  const error =
    statusCode >= 300 && statusCode < 400
      ? `redirects are not followed (${statusCode}${headers.location ? ` to ${headers.location.slice(0, 200)}` : ''})`
      : `the receiver answered ${statusCode}`;
  return { outcome: 'failed', statusCode, retryAfterMs, error, address };
}

/** Retry-After as delay-seconds or an HTTP date, in milliseconds from now, clamped to [0, 24 h]. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    const date = Date.parse(text);
    if (Number.isNaN(date) || !/[a-z]/i.test(text)) return null;
    ms = date - nowMs;
  }
  return Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms));
}

function sameAddress(actual: string | undefined, expected: string): boolean {
  if (actual === undefined || isIP(actual) === 0) return false;
  const canonical = (a: string) => {
    const parsed = ipaddr.process(a); // an IPv4-mapped IPv6 address becomes its IPv4 address
    return parsed.toString();
  };
  return canonical(actual) === canonical(expected);
}

function errorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorText(err: unknown): string {
  return errorCode(err) ?? (err instanceof Error ? err.message : String(err));
}

const TIMED_OUT = Symbol('timed out');

/** One timer for the whole attempt. */
class Deadline {
  readonly message: string;
  expired = false;
  private readonly timer: NodeJS.Timeout;
  private readonly listeners: (() => void)[] = [];

  constructor(timeoutMs: number) {
    this.message = `timed out after ${timeoutMs} ms`;
    this.timer = setTimeout(() => {
      this.expired = true;
      for (const listener of this.listeners.splice(0)) listener();
    }, timeoutMs);
  }

  onExpiry(listener: () => void): void {
    if (this.expired) listener();
    else this.listeners.push(listener);
  }

  race<T>(promise: Promise<T>): Promise<T | typeof TIMED_OUT> {
    return new Promise((resolve, reject) => {
      this.onExpiry(() => resolve(TIMED_OUT));
      promise.then(resolve, reject);
    });
  }

  clear(): void {
    clearTimeout(this.timer);
    this.listeners.length = 0;
  }
}
