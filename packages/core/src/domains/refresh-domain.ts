import type { Db, Prisma } from '../db/client.ts';
import type { DnsResolver } from '../dns/resolver.ts';
import type { DomainStatus } from '../generated/prisma/enums.ts';
import { newId } from '../ids.ts';
import { webhookDeliveries } from '../webhooks/fan-out.ts';
import { activeEndpoints } from '../webhooks/queries.ts';
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
  const domain = await db.domain.findUniqueOrThrow({ where: { id: domainId }, include: { dkimKeys: { orderBy: DKIM_KEY_ORDER } } });
  const retired = domain.dkimKeys.filter((k) => k.status === 'retiring' && k.retiresAt && k.retiresAt <= now).map((k) => k.id);
  const live = domain.dkimKeys.filter((k) => k.status !== 'retired' && !retired.includes(k.id));
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
  const deliveries = event ? webhookDeliveries(await activeEndpoints(db, domain.projectId), domain.projectId, [event]) : [];

  await db.$transaction([
    ...promoted.map((k) => db.dkimKey.update({ where: { id: k.id }, data: { status: 'active', activatedAt: now } })),
    ...replaced.map((k) =>
      db.dkimKey.update({ where: { id: k.id }, data: { status: 'retiring', retiresAt: new Date(now.getTime() + settings.rotationGraceMs) } }),
    ),
    ...retired.map((id) => db.dkimKey.update({ where: { id }, data: { status: 'retired', retiredAt: now } })),
    db.domain.update({
      where: { id: domain.id },
      data: {
        status,
        lastCheckedAt: now,
        lastCheck: JSON.parse(JSON.stringify(check)) as object,
        returnPathHost,
        ...(changed && status === 'verified' ? { verifiedAt: now } : {}),
      },
    }),
    ...(event ? [db.event.create({ data: event })] : []),
    ...(deliveries.length ? [db.webhookDelivery.createMany({ data: deliveries })] : []),
  ]);
  return {
    status,
    changed,
    check,
    promoted: promoted.map((k) => k.selector),
    retiring: replaced.map((k) => k.selector),
    retired: domain.dkimKeys.filter((k) => retired.includes(k.id)).map((k) => k.selector),
  };
}
