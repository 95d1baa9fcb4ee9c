import { mxMatchesPolicy, type Policy } from './mta-sts-policy.ts';

/**
 * What an MTA-STS policy means for one delivery attempt (RFC 8461 §4, §5): which MX hosts may be
 * used, and what the SMTP session must insist on.
 */

export interface PolicyRoute<T extends { name: string }> {
  /** Hosts delivery may try, in the order given. */
  allowed: T[];
  /** Hosts that must not be tried (enforce mode only). */
  refused: T[];
  /** Hosts outside the policy's mx patterns, to report (refused under enforce, still tried under testing). */
  mismatched: T[];
}

/**
 * Filters an MX route through a policy. Under `enforce` only hosts matching the policy's mx patterns
 * are allowed; when none is left the delivery must be deferred (a temporary failure, §5), never sent
 * elsewhere. Under `testing` every host is allowed and the mismatches are reported. Under `none`, or
 * without a policy, everything is allowed and nothing is reported.
 */
export function applyPolicyToHosts<T extends { name: string }>(policy: Policy | null, hosts: readonly T[]): PolicyRoute<T> {
  if (policy === null || policy.mode === 'none') return { allowed: [...hosts], refused: [], mismatched: [] };
  const mismatched = hosts.filter((host) => !mxMatchesPolicy(host.name, policy.mx));
  if (policy.mode === 'testing') return { allowed: [...hosts], refused: [], mismatched };
  return { allowed: hosts.filter((host) => !mismatched.includes(host)), refused: mismatched, mismatched };
}

/**
 * What the SMTP session to an allowed MX must require.
 *
 * Under `enforce` (§4.2, §5): STARTTLS is mandatory (no fallback to clear text); the certificate must
 * chain to a trusted root, be unexpired and carry a DNS-ID matching the MX host name (not the
 * recipient domain), so the session must connect with servername = MX name and reject unauthorized
 * certificates; TLS 1.2 or newer. A failure of any of these is a temporary failure for that host,
 * and is reported (TLSRPT, RFC 8460).
 *
 * Under `testing`, `none` or without a policy: opportunistic TLS as usual; under `testing`, failures
 * that enforce would have refused should be reported (TLSRPT, RFC 8460) but do not stop delivery.
 */
export type TlsRequirement =
  | { requireTls: true; verifyCertificate: true; minVersion: 'TLSv1.2'; reportFailures: true }
  | { requireTls: false; verifyCertificate: false; minVersion: null; reportFailures: boolean };

export function tlsRequirement(policy: Policy | null): TlsRequirement {
  if (policy?.mode === 'enforce') return { requireTls: true, verifyCertificate: true, minVersion: 'TLSv1.2', reportFailures: true };
  return { requireTls: false, verifyCertificate: false, minVersion: null, reportFailures: policy?.mode === 'testing' };
}
