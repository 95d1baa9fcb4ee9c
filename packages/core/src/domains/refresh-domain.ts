import { sqlPool, type Db, type Prisma } from '../db/client.ts';
import { inTransaction, insertFromJson } from '../db/sql.ts';
import { allColumns, WEBHOOK_DELIVERIES } from '../db/tables.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import type { DkimAlgorithm, DkimKeyStatus, DomainStatus } from '../generated/prisma/enums.ts';
import { HeraldError } from '../errors/registry.ts';
import { newId } from '../ids.ts';
import { webhookDeliveries, webhookDeliveryRow } from '../webhooks/fan-out.ts';
import { activeEndpointsSql } from '../webhooks/queries.ts';
import { checkDomainRecords, type DomainCheck } from './verify-domain.ts';

export interface DomainSettings {
  spfInclude?: string | undefined;
  sendingIps: string[];
  bounceHost?: string | undefined;
  returnPathSubdomain: string;
  /** How long a replaced DKIM key stays published (retiring) before it is retired. */
  rotationGraceMs: number;
}

export interface RefreshResult {
  status: DomainStatus;
  /** The status changed (a domain.verified or domain.failed event was recorded). */
  changed: boolean;
  check: DomainCheck;
  /** Selectors that started signing (their record was found) and that stopped. */
  promoted: string[];
  retiring: string[];
  retired: string[];
}

/**
 * Keys in the order they were created. Keys created together (a domain's RSA and Ed25519 keys, the
 * keys of one rotation) share created_at, and Postgres returns ties in any order (an updated row moves),
 * so the id (a monotonic ULID) breaks them: the keys and records read the same way every time.
 */
export const DKIM_KEY_ORDER: Prisma.DkimKeyOrderByWithRelationInput[] = [{ createdAt: 'asc' }, { id: 'asc' }];

/**
 * The domain and its keys in DKIM_KEY_ORDER, as refreshDomain reads them: plain SQL, since the
 * worker's re-verification runs it (the worker has no Prisma client: createSqlDb).
 */
const DOMAIN_SQL = `SELECT d.id, d.project_id, d.name, d.status, d.return_path_host,
    coalesce((SELECT json_agg(json_build_object('id', k.id, 'selector', k.selector, 'algorithm', k.algorithm, 'public_key', k.public_key,
        'status', k.status, 'retires_at', k.retires_at) ORDER BY k.created_at, k.id)
      FROM dkim_keys k WHERE k.domain_id = d.id), '[]') AS keys
  FROM domains d WHERE d.id = $1`;

interface DomainRow {
  id: string;
  project_id: string;
  name: string;
  status: DomainStatus;
  return_path_host: string | null;
  keys: { id: string; selector: string; algorithm: DkimAlgorithm; public_key: string; status: DkimKeyStatus; retires_at: string | null }[];
}

const KEY_UPDATE_SQL = `UPDATE dkim_keys k SET status = x.status::"DkimKeyStatus",
    activated_at = coalesce(x.activated_at, k.activated_at), retires_at = coalesce(x.retires_at, k.retires_at), retired_at = coalesce(x.retired_at, k.retired_at)
  FROM jsonb_to_recordset($1::jsonb) AS x(id text, status text, activated_at timestamptz, retires_at timestamptz, retired_at timestamptz)
  WHERE k.id = x.id`;

const DOMAIN_UPDATE_SQL = `UPDATE domains SET status = $2::"DomainStatus", last_checked_at = $3, last_check = $4::jsonb, return_path_host = $5,
    verified_at = CASE WHEN $6 THEN $3 ELSE verified_at END, updated_at = $3
  WHERE id = $1`;

const EVENT_SQL = `INSERT INTO events (id, project_id, domain_id, type, data, created_at) VALUES ($1, $2, $3, $4::"EventType", $5::jsonb, $6)`;

/**
 * Looks a domain's records up and moves it and its keys on:
 * - a pending key whose record is published starts signing; the key it replaces (same algorithm)
 *   stops signing and stays published for the grace period (retiring), then is retired;
 * - the domain is verified while every signing key's record is published; a verified domain whose
 *   DKIM record disappeared or changed fails (and stops sending) with a domain.failed event;
 * - a lookup that failed (SERVFAIL, timeout) changes nothing: only an answer can fail a domain;
 * - the return-path host (bounces.example.com) becomes the domain's envelope-sender domain once it is
 *   seen leading to the bounce host, and stops being it when an answer shows it no longer does (the
 *   worker then falls back to the domain itself): mail is never sent with a return path whose bounces
 *   would not reach Herald's inbound MX.
 */
export async function refreshDomain(db: Db, resolver: DnsResolver, domainId: string, settings: DomainSettings, now = new Date()): Promise<RefreshResult> {
  const sql = sqlPool(db);
  const { rows } = await sql.query<DomainRow>(DOMAIN_SQL, [domainId]);
  const row = rows[0];
  if (!row) throw new HeraldError('not_found', 'no such domain', { id: domainId });
  const domain = { id: row.id, projectId: row.project_id, name: row.name, status: row.status, returnPathHost: row.return_path_host };
  const keys = row.keys.map((k) => ({ ...k, publicKey: k.public_key, retiresAt: k.retires_at === null ? null : new Date(k.retires_at) }));
  const retired = keys.filter((k) => k.status === 'retiring' && k.retiresAt && k.retiresAt <= now).map((k) => k.id);
  const live = keys.filter((k) => k.status !== 'retired' && !retired.includes(k.id));
  const check = await checkDomainRecords(resolver, domain, live, settings);
  const published = new Map(check.keys.map((k) => [k.selector, k.published]));

  const promoted = live.filter((k) => k.status === 'pending' && published.get(k.selector));
  const replaced = live.filter((k) => k.status === 'active' && promoted.some((p) => p.algorithm === k.algorithm));
  const signing = [...live.filter((k) => k.status === 'active' && !replaced.includes(k)), ...promoted];
  const transient = check.checks.some((c) => c.kind === 'dkim' && c.transient);
  const verified = signing.length > 0 && signing.every((k) => published.get(k.selector));
  const status: DomainStatus = verified ? 'verified' : transient ? domain.status : domain.status === 'verified' ? 'failed' : domain.status;
  const changed = status !== domain.status;
  const returnPath = check.checks.find((c) => c.kind === 'return_path');
  const returnPathHost = !returnPath ? null : returnPath.ok ? returnPath.host : returnPath.transient ? domain.returnPathHost : null;
  const event =
    changed && (status === 'verified' || status === 'failed')
      ? {
          id: newId('event', now.getTime()),
          projectId: domain.projectId,
          domainId: domain.id,
          type: status === 'verified' ? ('domain_verified' as const) : ('domain_failed' as const),
          data: { domain: domain.name, problems: check.checks.filter((c) => c.required && !c.ok).map((c) => `${c.host}: ${c.problem}`) },
          createdAt: now,
        }
      : null;
  const keyUpdates = [
    ...promoted.map((k) => ({ id: k.id, status: 'active', activated_at: now })),
    ...replaced.map((k) => ({ id: k.id, status: 'retiring', retires_at: new Date(now.getTime() + settings.rotationGraceMs) })),
    ...retired.map((id) => ({ id, status: 'retired', retired_at: now })),
  ];

  await inTransaction(sql, async (client) => {
    const deliveries = event ? webhookDeliveries(await activeEndpointsSql(client, domain.projectId), domain.projectId, [event]) : [];
    if (keyUpdates.length) await client.query(KEY_UPDATE_SQL, [JSON.stringify(keyUpdates)]);
    await client.query(DOMAIN_UPDATE_SQL, [domain.id, status, now, JSON.stringify(check), returnPathHost, changed && status === 'verified']);
    if (event) await client.query(EVENT_SQL, [event.id, event.projectId, event.domainId, event.type, JSON.stringify(event.data), event.createdAt]);
    if (deliveries.length) {
      await client.query(insertFromJson(WEBHOOK_DELIVERIES.name, allColumns(WEBHOOK_DELIVERIES), '$1'), [JSON.stringify(deliveries.map(webhookDeliveryRow))]);
    }
  });
  return {
    status,
    changed,
    check,
    promoted: promoted.map((k) => k.selector),
    retiring: replaced.map((k) => k.selector),
    retired: keys.filter((k) => retired.includes(k.id)).map((k) => k.selector),
  };
}
