import { isIP } from 'node:net';
import { dkimRecordValue } from '../crypto/dkim-key.ts';
import { bounceMxValue } from './check-bounce-mx.ts';
import type { DkimAlgorithm } from '../generated/prisma/enums.ts';

/** A DKIM key of a domain as the record builders need it (a DkimKey row has these fields). */
export interface DomainKey {
  selector: string;
  algorithm: DkimAlgorithm;
  /** base64, as in the record's p= tag. */
  publicKey: string;
  /** pending | active | retiring | retired */
  status: string;
}

/** The configuration the records depend on (HERALD_SPF_INCLUDE, HERALD_SENDING_IPS, HERALD_BOUNCE_HOST...). */
export interface DomainRecordSettings {
  spfInclude?: string;
  sendingIps: readonly string[];
  bounceHost?: string;
  returnPathSubdomain: string;
}

/** Every kind of record, in the order the records are listed. */
export const RECORD_KINDS = ['dkim', 'spf', 'dmarc', 'return_path', 'bounce_mx', 'mta_sts', 'tls_rpt'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export const RECORD_TYPES = ['TXT', 'CNAME', 'MX'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

/** One DNS record a sending domain should publish (or, for bounce_mx, that its mail depends on), with why. */
export interface ExpectedRecord {
  kind: RecordKind;
  type: RecordType;
  /** The fully qualified name to publish it at, without the trailing dot. */
  host: string;
  value: string;
  /** One or two sentences for the user: what the record does and what to watch out for. */
  purpose: string;
  /** false: recommended or optional; the domain verifies without it. */
  required: boolean;
  /** DKIM records only. */
  selector?: string;
}

/** Keys whose record must be in the DNS: all but the retired ones. */
export function publishedKeys<K extends { status: string }>(keys: readonly K[]): K[] {
  return keys.filter((key) => key.status !== 'retired');
}

export function dkimHost(selector: string, domain: string): string {
  return `${selector}._domainkey.${domain}`;
}

export function returnPathHost(domain: string, settings: Pick<DomainRecordSettings, 'returnPathSubdomain'>): string {
  return `${settings.returnPathSubdomain}.${domain}`;
}

/**
 * The SPF record Herald suggests: an include of HERALD_SPF_INCLUDE, else the sending IPs; null when
 * neither is configured (Herald cannot tell which hosts send).
 */
export function spfRecordValue(settings: Pick<DomainRecordSettings, 'spfInclude' | 'sendingIps'>): string | null {
  if (settings.spfInclude) return `v=spf1 include:${settings.spfInclude} ~all`;
  if (settings.sendingIps.length === 0) return null;
  const mechanisms = settings.sendingIps.map((ip) => `${isIP(ip) === 6 ? 'ip6' : 'ip4'}:${ip}`);
  return `v=spf1 ${mechanisms.join(' ')} ~all`;
}

/** The MTA-STS policy id: the time as yyyymmddhhmmss (UTC), so a changed policy gets a new id. */
export function mtaStsId(now: Date): string {
  return now.toISOString().replace(/\D/g, '').slice(0, 14);
}

function dkimPurpose(key: DomainKey): string {
  const what =
    key.algorithm === 'ed25519_sha256'
      ? 'DKIM (Ed25519, RFC 8463): a second signature for receivers that check Ed25519'
      : 'DKIM (RSA): lets receivers verify the signature Herald adds to every message';
  switch (key.status) {
    case 'pending':
      return `${what}. This is a new key for a rotation, waiting to be published: Herald signs with it only once this record is seen.`;
    case 'retiring':
      return `${what}. This key is being retired: keep the record published until Herald marks the key retired, messages already sent still carry its signature.`;
    default:
      return `${what}.`;
  }
}

function spfPurpose(settings: DomainRecordSettings, domain: string): string {
  const single =
    'If the domain already has an SPF record (a TXT record starting with v=spf1), add the mechanism to it instead of publishing a second one: two SPF records make receivers fail SPF.';
  if (settings.bounceHost) {
    return (
      `SPF (recommended): authorises Herald's servers to send for ${domain}. Herald's envelope sender is on ` +
      `${returnPathHost(domain, settings)}, so receivers check SPF there, where the bounce host's own SPF record applies through the CNAME; ` +
      `this record matters for mail with ${domain} itself as envelope sender. ${single}`
    );
  }
  return `SPF (recommended): authorises Herald's servers to send with ${domain} as envelope sender. ${single}`;
}

/**
 * The DNS records a sending domain should publish, in the order a user works through them: DKIM for
 * every key that is not retired (required), SPF and DMARC (recommended), the return-path CNAME when a
 * bounce host is configured (required: the envelope sender uses it) and the bounce host's own MX
 * (the installation's, shown for information), MTA-STS and TLS-RPT (optional).
 * `now` only sets the suggested MTA-STS policy id.
 */
export function expectedRecords(
  domain: { name: string },
  keys: readonly DomainKey[],
  settings: DomainRecordSettings,
  now: Date = new Date(),
): ExpectedRecord[] {
  const name = domain.name;
  const records: ExpectedRecord[] = publishedKeys(keys).map((key) => ({
    kind: 'dkim',
    type: 'TXT',
    host: dkimHost(key.selector, name),
    value: dkimRecordValue(key),
    purpose: dkimPurpose(key),
    required: true,
    selector: key.selector,
  }));
  const spf = spfRecordValue(settings);
  if (spf) records.push({ kind: 'spf', type: 'TXT', host: name, value: spf, purpose: spfPurpose(settings, name), required: false });
  records.push({
    kind: 'dmarc',
    type: 'TXT',
    host: `_dmarc.${name}`,
    value: `v=DMARC1; p=none; rua=mailto:dmarc@${name}`,
    purpose:
      'DMARC (recommended): tells receivers what to do with mail that fails DKIM and SPF alignment, and where to send reports. ' +
      'p=none is a starting point that only collects reports; move to p=quarantine or p=reject once they show all your mail passes. ' +
      `Make sure the rua mailbox exists, or point it at your own.`,
    required: false,
  });
  if (settings.bounceHost) {
    records.push({
      kind: 'return_path',
      type: 'CNAME',
      host: returnPathHost(name, settings),
      value: settings.bounceHost,
      purpose:
        `Return path: Herald's envelope sender (MAIL FROM) is a signed address on ${returnPathHost(name, settings)}, so bounces reach Herald ` +
        `and SPF is checked against Herald's bounce host; it also aligns with ${name} for DMARC. ` +
        `Through the CNAME, mail to it goes to the MX of ${settings.bounceHost}, Herald's inbound MX (published once by whoever runs Herald).`,
      required: true,
    });
    records.push({
      kind: 'bounce_mx',
      type: 'MX',
      host: settings.bounceHost,
      value: bounceMxValue(settings.bounceHost),
      purpose:
        `Bounce host MX (published once by whoever runs Herald, not in ${name}'s zone): bounces, complaints and unsubscribe mail for ` +
        `${returnPathHost(name, settings)} arrive through the CNAME at ${settings.bounceHost}, so it needs an MX record naming the host(s) ` +
        `running herald start inbound (or an A record for ${settings.bounceHost} itself there, as this suggests). Listed so you can see it is in place.`,
      required: false,
    });
  }
  const inbound = `(optional): protects mail sent *to* ${name}, not the mail Herald sends; it also needs an HTTPS policy host`;
  records.push({
    kind: 'mta_sts',
    type: 'TXT',
    host: `_mta-sts.${name}`,
    value: `v=STSv1; id=${mtaStsId(now)}`,
    purpose: `MTA-STS ${inbound} (https://mta-sts.${name}/.well-known/mta-sts.txt serving the policy). Change the id whenever the policy changes.`,
    required: false,
  });
  records.push({
    kind: 'tls_rpt',
    type: 'TXT',
    host: `_smtp._tls.${name}`,
    value: `v=TLSRPTv1; rua=mailto:tls-reports@${name}`,
    purpose: `TLS-RPT ${inbound} (it reports on MTA-STS, which needs https://mta-sts.${name}/.well-known/mta-sts.txt). Senders mail TLS failure reports to the rua address.`,
    required: false,
  });
  return records;
}
