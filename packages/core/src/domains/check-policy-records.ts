import type { DnsResolver } from '../dns/resolver.ts';
import type { ExpectedRecord } from './domain-records.ts';
import { getDmarcRecord, lookupFailed, lookupTxt } from './record-lookup.ts';
import type { RecordCheck } from './verify-domain.ts';

const isDmarc = (record: string) => /^v=DMARC1\b/i.test(record.trim());

/**
 * Checks the DMARC policy that applies to the domain, with mailauth's getDmarcRecord: the domain's own
 * record at _dmarc.<domain>, else the organisational domain's, in which case `foundAt` names where it
 * was found. Two records at the domain's own host are reported as such (receivers apply none of them).
 */
export async function checkDmarcRecord(resolver: DnsResolver, domain: string, expected: ExpectedRecord | undefined): Promise<RecordCheck> {
  const host = `_dmarc.${domain}`;
  const base = { kind: 'dmarc' as const, type: 'TXT' as const, host, expected: expected?.value ?? null, required: false, transient: false };
  const [own, applying] = await Promise.all([
    lookupTxt(resolver, host),
    getDmarcRecord(domain, resolver).then(
      (record) => ({ ok: true as const, record }),
      (err: unknown) => ({ ok: false as const, code: typeof (err as { code?: unknown }).code === 'string' ? (err as { code: string }).code : 'EBADRESP' }),
    ),
  ]);
  if (!applying.ok) return { ...base, found: [], ok: false, problem: lookupFailed(applying.code), transient: true };
  if (!own.ok && !own.missing) return { ...base, found: [], ok: false, problem: lookupFailed(own.code), transient: true };
  const ownDmarc = own.ok ? own.value.filter(isDmarc) : [];
  if (ownDmarc.length > 1) {
    return { ...base, found: ownDmarc, ok: false, problem: `${ownDmarc.length} DMARC records at ${host}: receivers apply none of them; keep one` };
  }
  if (applying.record) {
    const foundAt = applying.record.host === host ? {} : { foundAt: applying.record.host };
    return { ...base, ...foundAt, found: [applying.record.rr], ok: true, problem: null };
  }
  return { ...base, found: [], ok: false, problem: 'DMARC missing: receivers apply no policy; publish at least p=none' };
}

/**
 * MTA-STS (_mta-sts) and TLS-RPT (_smtp._tls) records: optional, they protect mail *to* the domain.
 * ok when exactly one record with the right version tag is there.
 */
export async function checkInboundTlsRecord(resolver: DnsResolver, expected: ExpectedRecord): Promise<RecordCheck> {
  const base = { kind: expected.kind, type: 'TXT' as const, host: expected.host, expected: expected.value, required: false, transient: false };
  const version = expected.kind === 'mta_sts' ? /^v=STSv1\b/i : /^v=TLSRPTv1\b/i;
  const name = expected.kind === 'mta_sts' ? 'MTA-STS' : 'TLS-RPT';
  const answer = await lookupTxt(resolver, expected.host);
  if (!answer.ok && !answer.missing) return { ...base, found: [], ok: false, problem: lookupFailed(answer.code), transient: true };
  const found = answer.ok ? answer.value.filter((record) => version.test(record.trim())) : [];
  if (found.length === 0) return { ...base, found, ok: false, problem: `not published (optional): no ${name} record at ${expected.host}` };
  if (found.length > 1) return { ...base, found, ok: false, problem: `${found.length} ${name} records at ${expected.host}: receivers ignore them all; keep one` };
  return { ...base, found, ok: true, problem: null };
}
