import { refreshDomain, type Db, type DnsResolver, type DomainSettings, type Log } from '@herald/core';

export interface RecheckDeps {
  db: Db;
  resolver: DnsResolver;
  settings: DomainSettings;
  /** A domain is checked again when its last check is older than this. */
  recheckMs: number;
  clock: () => Date;
  log: Log;
}

/** Domains waiting for a rotation's record, or with a retiring key due, are looked at at least this often. */
export const RECHECK_TICK_MAX_MS = 5 * 60_000;

/**
 * How often the re-verification runs: every 5 minutes, or every `recheckMs` when that is shorter, so
 * that a short HERALD_DOMAIN_RECHECK_INTERVAL is honoured.
 */
export function recheckEveryMs(recheckMs: number): number {
  return Math.min(RECHECK_TICK_MAX_MS, recheckMs);
}

/**
 * The background re-verification: domains not checked for `recheckMs`, domains with a DKIM rotation
 * waiting for its record, and domains with a retiring key due, oldest check first, at most `limit` a
 * run. A domain whose DKIM record disappeared stops being verified (and sending), with a
 * domain.failed event; one whose record came back is verified again. A domain is due once its last
 * check is older than `recheckMs` less half a run's interval: runs are scheduled, not exact, and a
 * check a moment too young must not wait a whole run more.
 */
export async function recheckDomains(
  deps: RecheckDeps,
  options: { limit?: number; projectId?: string } = {},
): Promise<{ checked: number; changed: number }> {
  const now = deps.clock();
  const checkedBefore = new Date(now.getTime() - deps.recheckMs + recheckEveryMs(deps.recheckMs) / 2);
  const due = await deps.db.domain.findMany({
    where: {
      ...(options.projectId ? { projectId: options.projectId } : {}),
      OR: [
        { lastCheckedAt: null },
        { lastCheckedAt: { lt: checkedBefore } },
        { dkimKeys: { some: { status: 'pending' } } },
        { dkimKeys: { some: { status: 'retiring', retiresAt: { lte: now } } } },
      ],
    },
    orderBy: { lastCheckedAt: { sort: 'asc', nulls: 'first' } },
    take: options.limit ?? 100,
    select: { id: true, name: true },
  });
  let changed = 0;
  for (const domain of due) {
    try {
      const result = await refreshDomain(deps.db, deps.resolver, domain.id, deps.settings, now);
      if (result.changed || result.promoted.length || result.retired.length) {
        changed++;
        deps.log.info({ domain: domain.name, status: result.status, promoted: result.promoted, retired: result.retired }, 'domain re-verified');
      }
    } catch (err) {
      deps.log.error({ err, domain: domain.name }, 'domain re-verification failed');
    }
  }
  return { checked: due.length, changed };
}
