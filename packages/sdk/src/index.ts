import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './schema.d.ts';

export type { components, operations, paths } from './schema.d.ts';

export interface HeraldClientOptions {
  /** Herald's base URL, e.g. https://herald.example.com (no /v1). */
  url: string;
  /** A Herald API key (hk_live_… or hk_test_…). */
  apiKey: string;
  /** A fetch of your own (a proxy, a test double); the global fetch by default. */
  fetch?: typeof fetch;
}

/**
 * A typed client for Herald's HTTP API: every path, parameter, body and answer typed from
 * openapi/openapi.json (openapi-fetch: `client.POST('/v1/messages', { body })` answers `{ data, error }`).
 */
export function createHeraldClient(options: HeraldClientOptions): Client<paths> {
  return createClient<paths>({
    baseUrl: options.url.replace(/\/+$/, ''),
    headers: { authorization: `Bearer ${options.apiKey}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}
