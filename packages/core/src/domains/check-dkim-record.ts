import type { DnsResolver } from '../dns/resolver.ts';
import { dkimRecordValue } from '../crypto/dkim-key.ts';
import { dkimHost, type DomainKey } from './domain-records.ts';
import { lookupFailed, lookupTxt } from './record-lookup.ts';
import type { RecordCheck } from './verify-domain.ts';

/** A DKIM key record's tags (RFC 6376 §3.6.1), names lower-cased, values with whitespace removed. */
export function parseDkimTags(record: string): Map<string, string> {
  const tags = new Map<string, string>();
  for (const part of record.split(';')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const name = part.slice(0, at).trim().toLowerCase();
    if (!tags.has(name)) tags.set(name, part.slice(at + 1).replace(/\s+/g, ''));
  }
  return tags;
}

/** A record is a DKIM key record when it says v=DKIM1, or has no v= but a p= (v= is optional). */
function isDkimRecord(tags: Map<string, string>): boolean {
  const version = tags.get('v');
  return version === undefined ? tags.has('p') : version === 'DKIM1';
}

function short(record: string): string {
  return record.length > 60 ? `${record.slice(0, 57)}...` : record;
}

/** What is wrong with the TXT records found at a key's selector host; null when they are right. */
function dkimProblem(found: string[], key: DomainKey, host: string): string | null {
  const parsed = found.map((record) => ({ record, tags: parseDkimTags(record) }));
  const dkim = parsed.filter(({ tags }) => isDkimRecord(tags));
  const others = parsed.filter(({ tags }) => !isDkimRecord(tags));
  if (dkim.length === 0) {
    return `the TXT record at ${host} is not a DKIM key record (it should start with v=DKIM1): "${short(others[0]?.record ?? '')}"`;
  }
  if (dkim.length > 1) {
    return `${dkim.length} DKIM records at ${host}: receivers may use any of them; keep only the one Herald gives`;
  }
  if (others.length > 0) {
    return `other TXT records at ${host} besides the DKIM record ("${short(others[0]?.record ?? '')}"): some receivers read only the first; remove them`;
  }
  const tags = (dkim[0] as { tags: Map<string, string> }).tags;
  const published = tags.get('p') ?? '';
  if (published === '') return `the key at ${host} is revoked (empty p=): publish the record Herald gives`;
  if (published !== key.publicKey.replace(/\s+/g, '')) {
    return `DKIM key mismatch: the p= published at ${host} is not this key's public key (an old key, or another service's?); publish the record Herald gives`;
  }
  const expectedType = key.algorithm === 'ed25519_sha256' ? 'ed25519' : 'rsa';
  const publishedType = (tags.get('k') ?? 'rsa').toLowerCase();
  if (publishedType !== expectedType) return `key type mismatch at ${host}: k=${publishedType} published, k=${expectedType} expected`;
  return null;
}

/**
 * Checks a key's record at <selector>._domainkey.<domain>: right when it is the only TXT record there,
 * a DKIM key record, with this key's p= (base64 compared without whitespace) and k= (rsa by default).
 */
export async function checkDkimRecord(resolver: DnsResolver, domain: string, key: DomainKey): Promise<RecordCheck> {
  const host = dkimHost(key.selector, domain);
  const base = { kind: 'dkim' as const, type: 'TXT' as const, host, expected: dkimRecordValue(key), required: true, selector: key.selector, transient: false };
  const answer = await lookupTxt(resolver, host);
  if (!answer.ok) {
    const problem = answer.missing ? `missing: no TXT record at ${host}` : lookupFailed(answer.code);
    return { ...base, found: [], ok: false, problem, transient: !answer.missing };
  }
  const problem = dkimProblem(answer.value, key, host);
  return { ...base, found: answer.value, ok: problem === null, problem };
}
