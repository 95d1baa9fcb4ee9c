import createClient, { type Client } from 'openapi-fetch';
import { paginate, type CursorPath, type PageInit, type PageItem } from './paginate.ts';
import { retryingFetch, type RetryOptions } from './retrying-fetch.ts';
import type { paths } from './schema.d.ts';

export type { components, operations, paths } from './schema.d.ts';
export { HeraldApiError, unwrap, type HeraldErrorBody, type HeraldErrorDetail } from './errors.ts';
export type { CursorPath, PageInit, PageItem } from './paginate.ts';
export type { RetryOptions } from './retrying-fetch.ts';
export { verifyWebhook, WebhookVerificationError, type HeraldWebhookEvent, type MessageEventData, type MessageEventType, type WebhookHeaders } from './verify-webhook.ts';

export interface HeraldClientOptions {
  /** Herald's base URL, e.g. https://herald.example.com (no /v1). */
  url: string;
  /** A Herald API key (hk_live_… or hk_test_…). */
  apiKey: string;
  /** A fetch of your own (a proxy, a test double); the global fetch by default. */
  fetch?: (request: Request) => Promise<Response>;
  /** How GETs and sends are retried (retrying-fetch.ts); `{ retries: 0 }` turns retries off. */
  retry?: RetryOptions;
}

export type HeraldClient = Client<paths> & {
  /** Every item of a cursor-paginated list: `for await (const m of herald.paginate('/v1/messages', { query: { status: 'delivered' } }))`. */
  paginate<P extends CursorPath>(path: P, init?: PageInit<P>): AsyncGenerator<PageItem<P>, void, undefined>;
};

/**
 * A typed client for Herald's HTTP API: every path, parameter, body and answer typed from
 * openapi/openapi.json (openapi-fetch: `client.POST('/v1/messages', { body })` answers `{ data, error }`),
 * sends retried with one Idempotency-Key per call, and `paginate` over cursor lists.
 */
export function createHeraldClient(options: HeraldClientOptions): HeraldClient {
  const base = options.fetch ?? ((request: Request) => globalThis.fetch(request));
  const client = createClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    fetch: retryingFetch(options.retry ?? {}, { fetch: base }),
  });
  return Object.assign(client, { paginate: <P extends CursorPath>(path: P, init?: PageInit<P>) => paginate(client, path, init) });
}
