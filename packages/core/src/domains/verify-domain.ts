import type { DnsResolver } from '../dns/resolver.ts';
import { checkBounceMx } from './check-bounce-mx.ts';
import { checkDkimRecord } from './check-dkim-record.ts';
import { checkDmarcRecord, checkInboundTlsRecord } from './check-policy-records.ts';
import { checkReturnPath } from './check-return-path.ts';
import { checkSpfRecord, type SpfCheckSettings } from './check-spf-record.ts';
import { expectedRecords, publishedKeys, type DomainKey, type RecordKind, type RecordType } from './domain-records.ts';

/** One record as Herald found it in the DNS, against what it expects, in words a user understands. */
export interface RecordCheck {
  kind: RecordKind;
  type: RecordType;
  /** Where it was looked up: the expected record's host (for SPF with a bounce host: the return-path host). */
  host: string;
  /** Where the record was found when that is not `host`: DMARC inherited from the organisational domain. */
  foundAt?: string;
  /** The value Herald suggests; null when there is nothing to publish at this host. */
  expected: string | null;
  /** The relevant records found there (TXT: each record's strings joined; return path and bounce MX: "MX 10 host", "A 192.0.2.1"). */
  found: string[];
  ok: boolean;
  required: boolean;
  /** Why it is not ok (or, for a lookup that failed, that the check should be tried again); null when ok. */
  problem: string | null;
  /**
   * The lookup got no answer (SERVFAIL, timeout): the check says nothing about the record, so a caller
   * should neither verify nor fail a domain on it.
   */
  transient: boolean;
  /** DKIM checks only. */
  selector?: string;
}

export interface DomainCheck {
  /** Every active key's record is published and matches, and there is at least one active key. */
  dkimVerified: boolean;
  /** For each key that is not retired: its record is there and matches (what a rotation waits for). */
  keys: { selector: string; published: boolean }[];
  /** In the order of expectedRecords: DKIM, SPF, DMARC, return path, bounce MX, MTA-STS, TLS-RPT. */
  checks: RecordCheck[];
}

export type DomainCheckSettings = SpfCheckSettings;

/**
 * Looks every record a sending domain should have up through `resolver`, all at once, and reports
 * on each. DNS failures (SERVFAIL, timeouts) never throw: they become problems saying to try again,
 * and such a check is not ok, so a flaky resolver never verifies a domain (nor should a caller take
 * it as proof a record is gone; see the problem text).
 */
export async function checkDomainRecords(
  resolver: DnsResolver,
  domain: { name: string },
  keys: readonly DomainKey[],
  settings: DomainCheckSettings,
  now: Date = new Date(),
): Promise<DomainCheck> {
  const name = domain.name;
  const expected = expectedRecords(domain, keys, settings, now);
  const live = publishedKeys(keys);
  const byKind = (kind: RecordKind) => expected.find((record) => record.kind === kind);
  const inbound = expected.filter((record) => record.kind === 'mta_sts' || record.kind === 'tls_rpt');
  const [dkim, spf, dmarc, returnPath, bounceMx, tls] = await Promise.all([
    Promise.all(live.map((key) => checkDkimRecord(resolver, name, key))),
    checkSpfRecord(resolver, name, settings),
    checkDmarcRecord(resolver, name, byKind('dmarc')),
    checkReturnPath(resolver, name, settings),
    checkBounceMx(resolver, settings),
    Promise.all(inbound.map((record) => checkInboundTlsRecord(resolver, record))),
  ]);
  const published = new Map(dkim.map((check) => [check.selector, check.ok]));
  const active = live.filter((key) => key.status === 'active');
  return {
    dkimVerified: active.length > 0 && active.every((key) => published.get(key.selector) === true),
    keys: live.map((key) => ({ selector: key.selector, published: published.get(key.selector) === true })),
    checks: [...dkim, spf, dmarc, ...(returnPath ? [returnPath] : []), ...(bounceMx ? [bounceMx] : []), ...tls],
  };
}
