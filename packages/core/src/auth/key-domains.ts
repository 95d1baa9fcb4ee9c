import { HeraldError } from '../errors/registry.ts';
import type { KeyContext } from './resolve-api-key.ts';

/** Whether a key limited to some domains may use this one: one of them, or a subdomain of one (which intake then checks may send). */
export function keyMayUseDomain(key: Pick<KeyContext, 'domains'>, domain: string): boolean {
  return key.domains.length === 0 || key.domains.some((allowed) => domain === allowed || domain.endsWith(`.${allowed}`));
}

/**
 * A key limited to some domains may send from (and manage) only those, or their subdomains; anything
 * else is 403 insufficient_scope naming the domains and the field. The one check for the API's
 * sends and domain routes, SMTP's MAIL FROM and From header, and every later front end.
 */
export function assertKeyMayUseDomains(key: Pick<KeyContext, 'domains'>, domains: readonly string[], field: string): void {
  const outside = [...new Set(domains)].filter((domain) => !keyMayUseDomain(key, domain));
  if (outside.length === 0) return;
  const message = `this API key is limited to ${key.domains.join(', ')}; it cannot use ${outside.join(', ')}`;
  throw new HeraldError('insufficient_scope', `${field}: ${message}`, [{ field, message }]);
}
