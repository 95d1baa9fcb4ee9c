import { refreshDomain, sqlPool, type Db, type DnsResolver, type DomainSettings, type Log } from '@herald/core';

export interface RecheckDeps {
  db: Db;
  resolver: DnsResolver;
  settings: DomainSettings;
  /** A domain is checked again when its last check is older than this. */
  recheckMs: number;
  clock: () => Date;
  log: Log;
}

/** $1 checked before, $2 now, $3 the project (or null), $4 how many. */
const DUE_SQL = `SELECT d.id, d.name FROM domains d
  WHERE ($3::text IS NULL OR d.project_id = $3)
    AND (d.last_checked_at IS NULL OR d.last_checked_at < $1
      OR EXISTS (SELECT 1 FROM dkim_keys k WHERE k.domain_id = d.id
        AND (k.status = 'pending' OR (k.status = 'retiring' AND k.retires_at <= $2))))
  ORDER BY d.last_checked_at ASC NULLS FIRST
  LIMIT $4`;

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
  const { rows: due } = await sqlPool(deps.db).query<{ id: string; name: string }>(DUE_SQL, [checkedBefore, now, options.projectId ?? null, options.limit ?? 100]);
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
