import { promises as dns } from 'node:dns';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import type { TestDnsServer } from './dns-server.ts';

/**
 * Verifies the DKIM signatures of a message as a receiving server would: with mailauth's verifier,
 * looking the public keys up over DNS, here at the test DNS server. Returns each signature's result.
 */
export async function verifyDkim(raw: Buffer, dnsServer: TestDnsServer): Promise<{ domain: string; selector: string; result: string; algorithm: string; comment?: string }[]> {
  const resolver = new dns.Resolver({ timeout: 2_000, tries: 1 });
  resolver.setServers([dnsServer.address]);
  const lookup = async (name: string, type: string): Promise<unknown> => {
    if (type === 'TXT') return resolver.resolveTxt(name);
    return resolver.resolve(name, type as 'A');
  };
  const verification = await dkimVerify(raw, { resolver: lookup as never });
  return verification.results.map((r) => ({
    domain: r.signingDomain ?? '',
    selector: r.selector ?? '',
    result: r.status.result,
    // mailauth reports the a= tag as `algo` (its typings call it `algorithm`)
    algorithm: (r as { algo?: string }).algo ?? r.algorithm ?? '',
    ...(r.status.comment ? { comment: String(r.status.comment) } : {}),
  }));
}
