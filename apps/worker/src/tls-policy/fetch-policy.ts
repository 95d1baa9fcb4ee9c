import { request } from 'node:https';
import * as tls from 'node:tls';
import { domainToASCII } from 'node:url';
import type { DnsResolver } from '@herald/core';
import { normaliseName, parsePolicy, type Policy } from './mta-sts-policy.ts';

/**
 * Fetches a domain's MTA-STS policy from https://mta-sts.<domain>/.well-known/mta-sts.txt
 * (RFC 8461 §3.3): the policy host is resolved through Herald's own resolver (A, then AAAA when there
 * is no A), the connection goes to that address with SNI and Host set to mta-sts.<domain>, and the
 * certificate must chain to a trusted root and be valid for that name. Redirects are not followed;
 * only a 200 with a text/plain body of at most 64 KiB, received within the time limit, is accepted.
 */

export interface PolicyFetchOptions {
  resolver: DnsResolver;
  /** HTTPS port of policy hosts; 443 except in tests. */
  port?: number;
  /** Limit for the whole fetch: DNS, connect, TLS, response and body. Default 10 s. */
  timeoutMs?: number;
  /** Largest accepted body. Default 64 KiB (RFC 8461 §3.3 suggests 64 KB). */
  maxBytes?: number;
  /**
   * PEM certificate(s) trusted in addition to Node's default trust store (for tests and private PKIs).
   * Without it, exactly Node's default store applies (with --use-openssl-ca, NODE_EXTRA_CA_CERTS...).
   */
  extraCa?: string | readonly string[];
}

export type PolicyFetchResult = { ok: true; policy: Policy } | { ok: false; reason: string };

/** Resolves to a result, never rejects. */
export type FetchPolicy = (domain: string) => Promise<PolicyFetchResult>;

export const POLICY_PATH = '/.well-known/mta-sts.txt';
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_MAX_BYTES = 64 * 1024;
const LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

type Attempt = { ok: true; text: string } | { ok: false; reason: string; final: boolean };

export function createPolicyFetcher(options: PolicyFetchOptions): FetchPolicy {
  const port = options.port ?? 443;
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const ca = trustStore(options.extraCa);

  return async (domain) => {
    const host = policyHost(domain);
    if (host === null) return { ok: false, reason: `"${domain}" is not a valid domain name` };
    const deadline = Date.now() + timeoutMs;
    const addresses = await withDeadline(addressesOf(options.resolver, host), deadline).catch(
      (): { ok: false; reason: string } => ({ ok: false, reason: `resolving ${host} timed out after ${timeoutMs} ms` }),
    );
    if (!addresses.ok) return addresses;

    let last: Attempt = { ok: false, reason: `${host} has no address`, final: true };
    for (const address of addresses.list) {
      last = await fetchFrom({ address, host, port, ca, maxBytes, deadline, timeoutMs });
      if (last.ok || last.final) break;
    }
    if (!last.ok) return { ok: false, reason: last.reason };
    const parsed = parsePolicy(last.text);
    return parsed.ok ? parsed : { ok: false, reason: `invalid policy at https://${host}${POLICY_PATH}: ${parsed.reason}` };
  };
}

/** "mta-sts.<domain>" in ASCII, or null for something that is not a domain name. */
export function policyHost(domain: string): string | null {
  const ascii = domainToASCII(normaliseName(domain));
  if (ascii === '' || ascii.length > 245 || !ascii.split('.').every((label) => LABEL.test(label))) return null;
  return `mta-sts.${ascii}`;
}

async function addressesOf(resolver: DnsResolver, host: string): Promise<{ ok: true; list: string[] } | { ok: false; reason: string }> {
  const failures: string[] = [];
  for (const [type, lookup] of [
    ['A', (name: string) => resolver.resolve4(name)],
    ['AAAA', (name: string) => resolver.resolve6(name)],
  ] as const) {
    try {
      const list = await lookup(host);
      if (list.length > 0) return { ok: true, list };
      failures.push(`${type}: none`);
    } catch (err) {
      failures.push(`${type}: ${(err as { code?: string }).code ?? (err as Error).message}`);
    }
  }
  return { ok: false, reason: `${host} has no address (${failures.join(', ')})` };
}

interface FetchTarget {
  address: string;
  host: string;
  port: number;
  ca: string[] | undefined;
  maxBytes: number;
  deadline: number;
  timeoutMs: number;
}

/** One GET to one address. Any HTTP answer is final; a failed connection lets the next address be tried. */
function fetchFrom(target: FetchTarget): Promise<Attempt> {
  const { address, host, port, maxBytes } = target;
  const url = `https://${host}${port === 443 ? '' : `:${port}`}${POLICY_PATH}`;
  return new Promise<Attempt>((resolve) => {
    let settled = false;
    const finish = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(attempt);
    };
    const fail = (reason: string, final = true) => finish({ ok: false, reason: `${url} (${address}): ${reason}`, final });

    const req = request(
      {
        host: address,
        port,
        path: POLICY_PATH,
        method: 'GET',
        servername: host,
        headers: { host: port === 443 ? host : `${host}:${port}`, accept: 'text/plain', 'user-agent': 'Herald MTA-STS' },
        ca: target.ca,
        rejectUnauthorized: true,
        checkServerIdentity: (_name, cert) => tls.checkServerIdentity(host, cert),
        minVersion: 'TLSv1.2',
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          const location = res.headers.location;
          return fail(`answered ${status}${location ? ` (to ${location})` : ''}; redirects are not followed`);
        }
        if (status !== 200) return fail(`answered HTTP ${status}, not 200`);
        const contentType = res.headers['content-type'];
        const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase();
        if (mediaType !== 'text/plain') return fail(`content type ${contentType ? `"${contentType}"` : '(none)'} is not text/plain`);
        const declared = Number(res.headers['content-length'] ?? 0);
        if (declared > maxBytes) return fail(`body of ${declared} bytes exceeds the ${maxBytes}-byte limit`);
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) fail(`body exceeds the ${maxBytes}-byte limit`);
          else chunks.push(chunk);
        });
        res.on('end', () => finish({ ok: true, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) => fail(`response failed: ${describe(err)}`));
        res.on('aborted', () => fail('connection closed before the end of the body'));
      },
    );
    const timer = setTimeout(() => fail(`timed out after ${target.timeoutMs} ms`), Math.max(0, target.deadline - Date.now()));
    req.on('error', (err) => fail(describe(err), false));
    req.end();
  });
}

function describe(err: Error): string {
  const code = (err as { code?: string }).code;
  return code && !err.message.includes(code) ? `${err.message} (${code})` : err.message;
}

/** Node's default trust store plus the extra CAs (passing `ca` replaces the default, so both are given). */
function trustStore(extra: string | readonly string[] | undefined): string[] | undefined {
  const extras = extra === undefined ? [] : typeof extra === 'string' ? [extra] : [...extra];
  if (extras.length === 0) return undefined;
  // tls.getCACertificates('default') (Node ≥ 22.15) includes NODE_EXTRA_CA_CERTS and system CAs when enabled
  const getCaCertificates = (tls as { getCACertificates?: (type: 'default') => string[] }).getCACertificates;
  const base = typeof getCaCertificates === 'function' ? getCaCertificates('default') : tls.rootCertificates;
  return [...base, ...extras];
}

function withDeadline<T>(promise: Promise<T>, deadline: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error('deadline')), Math.max(0, deadline - Date.now()));
  });
  return Promise.race([promise, expiry]).finally(() => clearTimeout(timer));
}
