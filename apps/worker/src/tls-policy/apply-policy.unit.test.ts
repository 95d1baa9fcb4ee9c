import { describe, expect, it } from 'vitest';
import type { MxHost } from '../routing/resolve-mx.ts';
import { applyPolicyToHosts, tlsRequirement } from './apply-policy.ts';
import type { Policy, PolicyMode } from './mta-sts-policy.ts';

const HOSTS: MxHost[] = [
  { name: 'mx1.example.com', preference: 10, addresses: ['192.0.2.1'] },
  { name: 'mx.attacker.net', preference: 5, addresses: ['198.51.100.7'] },
  { name: 'mx2.example.com', preference: 20, addresses: ['192.0.2.2'] },
  { name: 'mail.backup.org', preference: 30, addresses: ['203.0.113.9'] },
];

function policy(mode: PolicyMode, mx = ['*.example.com', 'mail.backup.org']): Policy {
  return { version: 'STSv1', mode, mx, maxAge: 86400 };
}

const names = (hosts: { name: string }[]) => hosts.map((h) => h.name);

describe('applyPolicyToHosts', () => {
  it('under enforce allows only the hosts the policy names, keeping their order, and refuses the rest', () => {
    const route = applyPolicyToHosts(policy('enforce'), HOSTS);
    expect(names(route.allowed)).toEqual(['mx1.example.com', 'mx2.example.com', 'mail.backup.org']);
    expect(names(route.refused)).toEqual(['mx.attacker.net']);
    expect(names(route.mismatched)).toEqual(['mx.attacker.net']);
    // the caller gets its own host objects back, addresses and all
    expect(route.allowed[0]).toBe(HOSTS[0]);
  });

  it('under enforce leaves nothing to try when no MX host matches, so delivery must wait rather than go elsewhere', () => {
    const route = applyPolicyToHosts(policy('enforce', ['mx.other.example']), HOSTS);
    expect(route.allowed).toEqual([]);
    expect(route.refused).toHaveLength(HOSTS.length);
  });

  it('under testing allows every host but reports the ones outside the policy', () => {
    const route = applyPolicyToHosts(policy('testing'), HOSTS);
    expect(names(route.allowed)).toEqual(names(HOSTS));
    expect(route.refused).toEqual([]);
    expect(names(route.mismatched)).toEqual(['mx.attacker.net']);
  });

  it('under mode none or without a policy allows every host and reports nothing', () => {
    for (const p of [policy('none', []), null]) {
      const route = applyPolicyToHosts(p, HOSTS);
      expect(names(route.allowed)).toEqual(names(HOSTS));
      expect(route.refused).toEqual([]);
      expect(route.mismatched).toEqual([]);
    }
  });

  it('matches MX names case-insensitively and ignores a trailing dot', () => {
    const route = applyPolicyToHosts(policy('enforce'), [{ name: 'MX1.EXAMPLE.COM.' }, { name: 'a.b.example.com' }]);
    expect(names(route.allowed)).toEqual(['MX1.EXAMPLE.COM.']);
    expect(names(route.refused)).toEqual(['a.b.example.com']);
  });
});

describe('tlsRequirement', () => {
  it('under enforce requires TLS 1.2 or newer with a certificate verified for the MX name', () => {
    expect(tlsRequirement(policy('enforce'))).toEqual({
      requireTls: true,
      verifyCertificate: true,
      minVersion: 'TLSv1.2',
      reportFailures: true,
    });
  });

  it('under testing stays opportunistic but asks for failures to be reported', () => {
    expect(tlsRequirement(policy('testing'))).toEqual({ requireTls: false, verifyCertificate: false, minVersion: null, reportFailures: true });
  });

  it('under mode none or without a policy stays opportunistic and reports nothing', () => {
    const opportunistic = { requireTls: false, verifyCertificate: false, minVersion: null, reportFailures: false };
    expect(tlsRequirement(policy('none', []))).toEqual(opportunistic);
    expect(tlsRequirement(null)).toEqual(opportunistic);
  });
});
