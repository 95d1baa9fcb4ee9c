import { expectedRecords, type DomainCheck, type DomainSettings, type DomainWithKeysRow } from '@herald/core';

/** A domain with the records to publish, each with what the last verification found. */
export function presentDomain(domain: DomainWithKeysRow, settings: DomainSettings) {
  const keys = domain.dkimKeys.filter((k) => k.status !== 'retired');
  const last = domain.lastCheck as DomainCheck | null;
  return {
    id: domain.id,
    name: domain.name,
    status: domain.status,
    allow_subdomains: domain.allowSubdomains,
    unsubscribe_default: domain.unsubscribeDefault,
    created_at: domain.createdAt.toISOString(),
    verified_at: domain.verifiedAt?.toISOString() ?? null,
    last_checked_at: domain.lastCheckedAt?.toISOString() ?? null,
    dkim_keys: keys.map((k) => ({
      selector: k.selector,
      algorithm: k.algorithm,
      status: k.status,
      created_at: k.createdAt.toISOString(),
      activated_at: k.activatedAt?.toISOString() ?? null,
      retires_at: k.retiresAt?.toISOString() ?? null,
    })),
    // the domain's creation time keeps the suggested MTA-STS id stable across reads
    records: expectedRecords(domain, keys, settings, domain.createdAt).map((record) => {
      // SPF is checked where receivers check it (the return-path host when there is a bounce host)
      const check = last?.checks.find((c) => c.kind === record.kind && (c.host === record.host || c.kind === 'spf'));
      return {
        kind: record.kind,
        type: record.type,
        host: record.host,
        value: record.value,
        purpose: record.purpose,
        required: record.required,
        check: check && domain.lastCheckedAt ? { ok: check.ok, found: check.found, problem: check.problem, checked_at: domain.lastCheckedAt.toISOString() } : null,
      };
    }),
  };
}
