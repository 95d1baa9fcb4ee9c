import { HeraldError } from '@herald/core';
import type { AuthContext } from './authenticate.ts';

/**
 * A key limited to some domains may send from (and manage) only those — or their subdomains when a
 * domain allows subdomains, which intake checks. Anything else is 403 insufficient_scope naming the
 * domain.
 */
export function assertKeyMayUseDomains(auth: AuthContext, domains: string[], field = 'from'): void {
  if (auth.domains.length === 0) return;
  const outside = [...new Set(domains)].filter((d) => !auth.domains.some((allowed) => d === allowed || d.endsWith(`.${allowed}`)));
  if (outside.length) {
    throw new HeraldError('insufficient_scope', `this key is limited to ${auth.domains.join(', ')}; it cannot use ${outside.join(', ')}`, [
      { field, message: `the key has no access to ${outside.join(', ')}` },
    ]);
  }
}
