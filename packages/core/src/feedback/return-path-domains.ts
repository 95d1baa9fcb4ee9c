import type { Db } from '../db/client.ts';

/**
 * Whether mail for `domain` is Herald's to receive: the bounce host (HERALD_BOUNCE_HOST), a sending
 * domain's return-path host (bounces.example.com, a CNAME to the bounce host), or a sending domain
 * itself (its return path when no bounce host is configured). The inbound MX asks this at RCPT, before
 * a token is even read: it is nobody's relay.
 */
export async function isReturnPathDomain(db: Db, domain: string, bounceHost: string | undefined): Promise<boolean> {
  const name = domain.toLowerCase().replace(/\.$/, '');
  if (bounceHost && name === bounceHost.toLowerCase()) return true;
  const found = await db.domain.findFirst({ where: { OR: [{ returnPathHost: name }, { name }] }, select: { id: true } });
  return found !== null;
}
