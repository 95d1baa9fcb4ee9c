import { randomBytes } from 'node:crypto';
import type { RecordKind, RecordType } from '@herald/core';
import type { TestApi } from '@herald/test/support/api-app.ts';
import type { TestDnsServer } from '@herald/test/support/dns-server.ts';

/** Shapes of the domain API's answers, as the tests read them. */
export interface RecordCheckView {
  ok: boolean;
  found: string[];
  problem: string | null;
  checked_at: string;
}

export interface RecordView {
  kind: RecordKind;
  type: RecordType;
  host: string;
  value: string;
  purpose: string;
  required: boolean;
  check: RecordCheckView | null;
}

export interface KeyView {
  selector: string;
  algorithm: 'rsa_sha256' | 'ed25519_sha256';
  status: 'pending' | 'active' | 'retiring' | 'retired';
  created_at: string;
  activated_at: string | null;
  retires_at: string | null;
}

export interface DomainView {
  id: string;
  name: string;
  status: 'pending' | 'verified' | 'failed';
  allow_subdomains: boolean;
  created_at: string;
  verified_at: string | null;
  last_checked_at: string | null;
  dkim_keys: KeyView[];
  records: RecordView[];
}

export interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

export type Headers = Record<string, string>;

/** A name under .test no other test (or run) uses, so zone changes never leak between tests. */
export function uniqueDomain(label: string): string {
  return `${label}-${randomBytes(5).toString('hex')}.test`;
}

/** The domain API through app.inject, as the given key. */
export function domainClient(api: TestApi, auth: Headers) {
  return {
    create: (payload: unknown, headers: Headers = auth) => api.app.inject({ method: 'POST', url: '/v1/domains', headers, payload: payload as object }),
    list: (headers: Headers = auth) => api.app.inject({ method: 'GET', url: '/v1/domains', headers }),
    get: (id: string, headers: Headers = auth) => api.app.inject({ method: 'GET', url: `/v1/domains/${id}`, headers }),
    verify: (id: string, headers: Headers = auth) => api.app.inject({ method: 'POST', url: `/v1/domains/${id}/verify`, headers }),
    rotate: (id: string, headers: Headers = auth) => api.app.inject({ method: 'POST', url: `/v1/domains/${id}/dkim/rotate`, headers }),
    remove: (id: string, query = '', headers: Headers = auth) => api.app.inject({ method: 'DELETE', url: `/v1/domains/${id}${query}`, headers }),
  };
}

/** Adds a domain through the API and answers its view; fails the test unless the answer is 201. */
export async function createDomain(api: TestApi, auth: Headers, payload: Record<string, unknown>): Promise<DomainView> {
  const response = await domainClient(api, auth).create(payload);
  if (response.statusCode !== 201) throw new Error(`POST /v1/domains answered ${response.statusCode}: ${response.body}`);
  return response.json<DomainView>();
}

/** Verifies through the API and answers the view; fails the test unless the answer is 200. */
export async function verifyDomain(api: TestApi, auth: Headers, id: string): Promise<DomainView> {
  const response = await domainClient(api, auth).verify(id);
  if (response.statusCode !== 200) throw new Error(`verify answered ${response.statusCode}: ${response.body}`);
  return response.json<DomainView>();
}

export function recordsOf(view: DomainView, kind: RecordView['kind']): RecordView[] {
  return view.records.filter((record) => record.kind === kind);
}

/** The one record of a kind (for DKIM: the one at the key's selector). */
export function recordOf(view: DomainView, kind: RecordView['kind'], selector?: string): RecordView {
  const record = recordsOf(view, kind).find((r) => selector === undefined || r.host.startsWith(`${selector}._domainkey.`));
  if (!record) throw new Error(`no ${kind} record${selector ? ` for ${selector}` : ''} in ${JSON.stringify(view.records.map((r) => r.host))}`);
  return record;
}

export function keyOf(view: DomainView, selector: string): KeyView {
  const key = view.dkim_keys.find((k) => k.selector === selector);
  if (!key) throw new Error(`no key ${selector} in ${JSON.stringify(view.dkim_keys.map((k) => k.selector))}`);
  return key;
}

/** Publishes a TXT record exactly as the API gave it (replacing whatever was at its host). */
export function publish(dns: TestDnsServer, record: RecordView): void {
  dns.set(record.host, [{ type: 'TXT', value: record.value }]);
}
