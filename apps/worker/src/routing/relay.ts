import { isIP } from 'node:net';
import type { Destination } from './destination.ts';
import type { DnsResolver } from '@herald/core';

/** A smart host, as Postfix's relayhost: all mail goes there instead of to the recipients' MX hosts. */
export interface RelayTarget {
  host: string;
  port: number;
  implicitTls: boolean;
  auth?: { user: string; pass: string } | undefined;
}

/**
 * `smtp://[user:pass@]host[:port]` (STARTTLS, port 587 by default) or `smtps://…` (TLS from the first
 * byte, port 465). With credentials, TLS is required and its certificate must be valid: a password is
 * never sent in clear text or to a server that cannot prove its name.
 */
export function parseRelayUrl(text: string): RelayTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error('not a URL: use smtp://[user:pass@]host[:port] or smtps://…');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('the scheme must be smtp:// or smtps://');
  if (!url.hostname) throw new Error('the URL names no host');
  const implicitTls = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  return {
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : implicitTls ? 465 : 587,
    implicitTls,
    auth: user ? { user, pass: decodeURIComponent(url.password) } : undefined,
  };
}

/** The relay as a destination: its name resolved through Herald's resolver (or used as is when an IP). */
export async function relayDestination(relay: RelayTarget, resolver: DnsResolver): Promise<Destination> {
  let addresses: string[] = [relay.host];
  if (!isIP(relay.host)) {
    const [v4, v6] = await Promise.allSettled([resolver.resolve4(relay.host), resolver.resolve6(relay.host)]);
    addresses = [...(v4.status === 'fulfilled' ? v4.value : []), ...(v6.status === 'fulfilled' ? v6.value : [])];
  }
  return {
    name: relay.host,
    addresses,
    port: relay.port,
    tls: relay.auth ? 'required' : 'opportunistic',
    implicitTls: relay.implicitTls,
    auth: relay.auth,
  };
}
